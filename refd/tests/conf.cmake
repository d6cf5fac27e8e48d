# The configuration module: unit tests, the conf-dump tool, golden and
# differential tests over refd/tests/data/conf.
add_executable(conf-dump conf_dump.c)
target_link_libraries(conf-dump PRIVATE refdcore)

# Golden: refd's own output (every error, with detail lines) for each
# data/conf/<name>.conf that has a <name>.expected.
add_test(NAME conf_golden
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/conf_golden.sh
                 $<TARGET_FILE:conf-dump> ${CMAKE_CURRENT_SOURCE_DIR}/data/conf)
set_tests_properties(conf_golden PROPERTIES LABELS "unit;golden")

# Differential: supervisord 4.2.5's own parser (Debian's python3 and
# supervisor package) must agree with refd on every golden config. Fails,
# rather than passes, when the supervisor package is missing.
add_test(NAME conf_differential
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/conf_differential.py
                 $<TARGET_FILE:conf-dump> ${CMAKE_CURRENT_SOURCE_DIR}/data/conf)
set_tests_properties(conf_differential PROPERTIES LABELS "differential;conformance")

refd_unit_test(test_conf_values test_conf_values.c)
refd_unit_test(test_conf_expand test_conf_expand.c)
refd_unit_test(test_conf_load test_conf_load.c)

# The same over generated configs (a fixed seed, so a failure reproduces:
# conf_differential.py CONF_DUMP --random 400 1 prints the failing file).
add_test(NAME conf_differential_random
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/conf_differential.py
                 $<TARGET_FILE:conf-dump> --random 400 1)
set_tests_properties(conf_differential_random PROPERTIES LABELS "differential;conformance")
