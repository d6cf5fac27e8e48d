# End-to-end tests: a live refd driven by Debian's python3 (stdlib only).
# Label e2e; the same suites under valgrind memcheck carry label valgrind.
set(REFD_PYTHON /usr/bin/python3)
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
    ENVIRONMENT "REFD_BIN=$<TARGET_FILE:refd>;PYTHONDONTWRITEBYTECODE=1")
endfunction()

function(refd_e2e_valgrind_test name module)
  if(NOT TARGET refd OR REFD_SANITIZE OR REFD_FUZZ)
    return()
  endif()
  add_test(NAME ${name} COMMAND ${REFD_PYTHON} -m unittest -v ${module}
           WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
  set_tests_properties(${name} PROPERTIES LABELS valgrind
    ENVIRONMENT "REFD_BIN=$<TARGET_FILE:refd>;REFD_WRAPPER=${REFD_VALGRIND_STR};PYTHONDONTWRITEBYTECODE=1")
endfunction()

refd_e2e_test(e2e_foundation test_foundation)
refd_e2e_valgrind_test(valgrind_foundation test_foundation.Identity)
refd_e2e_valgrind_test(valgrind_foundation_auth test_foundation.Auth)
refd_e2e_valgrind_test(valgrind_foundation_lifecycle test_foundation.Lifecycle)
refd_e2e_test(e2e_xml_dangers test_xml_dangers)
refd_e2e_valgrind_test(valgrind_xml_dangers test_xml_dangers)
