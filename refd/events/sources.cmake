set(MODULE_SOURCES event.c bus.c evproto.c)
