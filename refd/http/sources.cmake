set(MODULE_SOURCES request.c auth.c conn.c server.c logtail.c)
