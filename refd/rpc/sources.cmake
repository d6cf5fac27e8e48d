set(MODULE_SOURCES rpc.c args.c fault.c xmlw.c ns_system.c ns_supervisor.c)
