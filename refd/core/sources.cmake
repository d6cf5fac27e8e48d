set(MODULE_SOURCES sup.c proc.c spawn.c pool.c evhub.c)
