# refd/conf: supervisord.conf in, typed configuration out.
set(MODULE_SOURCES
  builtin.c
  evtypes.c
  expand.c
  glob.c
  ini.c
  kv.c
  load.c
  path.c
  proc.c
  programs.c
  reader.c
  sections.c
  shlex.c
  value.c
)
