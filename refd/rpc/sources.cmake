set(MODULE_SOURCES rpc.c args.c fault.c xmlw.c ns_system.c ns_supervisor.c ns_process.c ns_logs.c ns_config.c ns_twiddler.c)
