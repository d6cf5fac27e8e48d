# The configuration module: unit tests, the conf-dump tool, golden and
# differential tests over refd/tests/data/conf.
add_executable(conf-dump conf_dump.c)
target_link_libraries(conf-dump PRIVATE refdcore)
