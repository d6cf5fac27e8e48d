set(MODULE_SOURCES watch.c rotfile.c mainlog.c readlog.c childlog.c)
