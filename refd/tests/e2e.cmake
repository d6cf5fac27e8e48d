# End-to-end tests: a live refd driven by Debian's python3 (stdlib only).
# Label e2e; the same suites under valgrind memcheck carry label valgrind.
set(REFD_PYTHON /usr/bin/python3)
# The suites open many short-lived ServerProxy connections that the
# garbage collector closes; Python's ResourceWarning for each would bury
# a failure's output.
set(REFD_PYENV "PYTHONDONTWRITEBYTECODE=1;PYTHONWARNINGS=ignore::ResourceWarning")
if(REFD_SANITIZE)
  # The suites skip their RSS bounds: ASan's quarantine keeps freed memory.
  set(REFD_PYENV "${REFD_PYENV};REFD_SANITIZED=1")
endif()
set(REFD_VALGRIND valgrind --quiet --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
    --track-fds=no)
string(REPLACE ";" " " REFD_VALGRIND_STR "${REFD_VALGRIND}")

function(refd_e2e_test name module)
  if(NOT TARGET refd)
    return()
  endif()
  add_test(NAME ${name} COMMAND ${REFD_PYTHON} -m unittest -v ${module}
           WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
  set_tests_properties(${name} PROPERTIES LABELS e2e
    ENVIRONMENT "REFD_BIN=$<TARGET_FILE:refd>;${REFD_PYENV}")
endfunction()

function(refd_e2e_valgrind_test name)
  if(NOT TARGET refd OR REFD_SANITIZE OR REFD_FUZZ)
    return()
  endif()
  add_test(NAME ${name} COMMAND ${REFD_PYTHON} -m unittest -v ${ARGN}
           WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
  set_tests_properties(${name} PROPERTIES LABELS valgrind
    ENVIRONMENT "REFD_BIN=$<TARGET_FILE:refd>;REFD_WRAPPER=${REFD_VALGRIND_STR};${REFD_PYENV}")
endfunction()

refd_e2e_test(e2e_foundation test_foundation)
refd_e2e_valgrind_test(valgrind_foundation test_foundation.Identity test_foundation.Auth test_foundation.Lifecycle)
refd_e2e_test(e2e_process test_process)
refd_e2e_valgrind_test(valgrind_process test_process.Stdin test_process.SpawnErrors test_process.Exits
                       test_process.Stopping test_process.DaemonSignals)
refd_e2e_test(e2e_logs test_logs)
refd_e2e_valgrind_test(valgrind_logs test_logs.OddBytes test_logs.Clearing test_logs.CaptureAndAnsi test_logs.Tail)
refd_e2e_test(e2e_hostile test_hostile)
refd_e2e_valgrind_test(valgrind_hostile test_hostile.Attacks.test_traversal_names
                       test_hostile.Attacks.test_xml_dangers test_hostile.Attacks.test_pipelined_garbage
                       test_hostile.Attacks.test_oversized_and_lying_bodies test_hostile.AuthEverywhere)
refd_e2e_test(e2e_faults test_faults)
refd_e2e_valgrind_test(valgrind_faults test_faults.Children test_faults.Processes.test_shutdown_with_100_children)
# The bounded soak: 45 s here (REFD_SOAK_SECONDS=600 by hand for ten minutes).
refd_e2e_test(e2e_soak soak)
if(TEST e2e_soak)
  set_tests_properties(e2e_soak PROPERTIES LABELS "e2e;soak"
    ENVIRONMENT "REFD_BIN=$<TARGET_FILE:refd>;REFD_SOAK_SECONDS=45;${REFD_PYENV}")
endif()
refd_e2e_valgrind_test(valgrind_soak soak)
if(TEST valgrind_soak)
  set_tests_properties(valgrind_soak PROPERTIES LABELS "valgrind;soak"
    ENVIRONMENT "REFD_BIN=$<TARGET_FILE:refd>;REFD_WRAPPER=${REFD_VALGRIND_STR};REFD_SOAK_SECONDS=15;REFD_SOAK_STEADY=20;REFD_SOAK_FLAKY=5;${REFD_PYENV}")
endif()

# Debian's supervisorctl against refd and against Debian's supervisord on
# the same configuration, output compared (issue 10).
refd_e2e_test(e2e_supervisorctl test_supervisorctl)
# It runs two daemons and many clients at once: alone, so that its load
# does not disturb the timing-sensitive sessions run against supervisord.
if(TEST e2e_supervisorctl)
  set_tests_properties(e2e_supervisorctl PROPERTIES TIMEOUT 900 RUN_SERIAL TRUE)
endif()

# refctl against live refds: the commands it shares with supervisorctl
# print what supervisorctl prints; the twiddler commands do what they say.
refd_e2e_test(e2e_refctl test_refctl)
if(TEST e2e_refctl)
  set_property(TEST e2e_refctl APPEND PROPERTY ENVIRONMENT "REFCTL_BIN=$<TARGET_FILE:refctl>")
  set_tests_properties(e2e_refctl PROPERTIES TIMEOUT 600)
endif()

# The web UI over HTTP, against refd and against Debian's supervisord; once
# more with refd under valgrind (the oracle never is).
refd_e2e_test(e2e_webui test_webui)
refd_e2e_valgrind_test(valgrind_webui test_webui)
if(TEST valgrind_webui)
  set_tests_properties(valgrind_webui PROPERTIES TIMEOUT 900)
endif()

# The web UI in headless Chromium (Debian's chromium, chromium-driver and
# python3-selenium): clicks, then checks over XML-RPC. One run only.
if(TARGET refd)
  add_test(NAME browser_webui COMMAND ${REFD_PYTHON} -m unittest -v test_browser
           WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
  set_tests_properties(browser_webui PROPERTIES LABELS browser TIMEOUT 300
    ENVIRONMENT "REFD_BIN=$<TARGET_FILE:refd>;${REFD_PYENV};REFD_SCREENSHOT=${CMAKE_CURRENT_BINARY_DIR}/ui-status.png")
endif()

# Events and listeners. The same suite against Debian's supervisord checks
# that the expectations are supervisord's (or a documented difference).
refd_e2e_test(e2e_events test_events)
refd_e2e_valgrind_test(valgrind_events test_events)
if(EXISTS /usr/bin/supervisord)
  add_test(NAME e2e_events_oracle COMMAND ${REFD_PYTHON} -m unittest -v test_events
           WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
  set_tests_properties(e2e_events_oracle PROPERTIES LABELS "e2e;differential"
    ENVIRONMENT "REFD_E2E_SUPERVISORD=/usr/bin/supervisord;${REFD_PYENV}")
endif()

# The twiddler beyond what its sessions show: the main log, autostart,
# reloadConfig after editing the file, a whitelist.
refd_e2e_test(e2e_twiddler test_twiddler)
refd_e2e_valgrind_test(valgrind_twiddler test_twiddler)

# The XML dangers (the same inputs as fuzz/corpus/xmlrpc/seed-danger-*).
refd_e2e_test(e2e_xml_dangers test_xml_dangers)
refd_e2e_valgrind_test(valgrind_xml_dangers test_xml_dangers)
