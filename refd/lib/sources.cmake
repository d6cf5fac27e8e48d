set(MODULE_SOURCES mem.c buf.c pystr.c signames.c unicode.c strmap.c)
