# The benchmark of refd against supervisord and the machine's ceilings
# (docs/performance.md; run it with bench/run). Not a test: nothing here
# fails on a slow machine. Included from the top-level CMakeLists.txt.
find_package(Threads REQUIRED)
add_executable(refd-bench ${CMAKE_CURRENT_LIST_DIR}/refd_bench.c)
target_link_libraries(refd-bench PRIVATE refdclient Threads::Threads)
add_executable(bench-httpd ${CMAKE_CURRENT_LIST_DIR}/httpd.c)
add_executable(bench-spawn ${CMAKE_CURRENT_LIST_DIR}/spawn.c)
