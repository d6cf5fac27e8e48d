/* auth.h — HTTP Basic authentication against a server section's
 * username and password (http.md §4). */
#ifndef REFD_HTTP_AUTH_H
#define REFD_HTTP_AUTH_H

/* Check an Authorization header value (NULL when absent) against the
 * configured credentials. The password may be "{SHA}<40 lowercase hex>".
 * Returns 0 when authorised, else the status to answer: 401, or 400 for
 * credentials that are not base64 of UTF-8 text. Comparisons take the
 * same time whatever the position of the first differing byte. */
int http_auth_check(const char *username, const char *password, const char *authorization);

#endif
