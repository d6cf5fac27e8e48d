# Benchmark of the configuration parser (not a test: nothing fails on a
# slow machine). Included from the top-level CMakeLists.txt with
#     include(bench/conf.cmake)
add_executable(bench-conf-parse ${CMAKE_CURRENT_LIST_DIR}/conf_parse.c)
target_link_libraries(bench-conf-parse PRIVATE refdcore)
