set(MODULE_SOURCES sup.c)
