/* assets.h — the web UI's static files, compiled into refd (ui/embed.cmake
 * generates the table from refd/http/ui/). */
#ifndef REFD_HTTP_ASSETS_H
#define REFD_HTTP_ASSETS_H

#include <stddef.h>

struct ui_asset {
	const char *path;           /* relative to the UI root: "images/icon.png" */
	const char *content_type;
	const unsigned char *data;
	size_t len;
};

/* Ends with an entry whose path is NULL. */
extern const struct ui_asset ui_assets[];

#endif
