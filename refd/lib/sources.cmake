set(MODULE_SOURCES mem.c buf.c pystr.c signames.c timefmt.c utf8.c sha1.c base64.c unicode.c strmap.c)
