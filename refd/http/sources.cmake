set(MODULE_SOURCES request.c auth.c conn.c server.c logtail.c form.c webui.c static.c)

# The web UI's stylesheet and images, compiled in (http.md §9).
set(REFD_UI_DIR ${CMAKE_CURRENT_SOURCE_DIR}/http/ui)
file(GLOB_RECURSE REFD_UI_FILES ${REFD_UI_DIR}/stylesheets/* ${REFD_UI_DIR}/images/*)
add_custom_command(OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/ui_assets.c
  COMMAND ${CMAKE_COMMAND} -DUI_DIR=${REFD_UI_DIR} -DOUT=${CMAKE_CURRENT_BINARY_DIR}/ui_assets.c
          -P ${REFD_UI_DIR}/embed.cmake
  DEPENDS ${REFD_UI_DIR}/embed.cmake ${REFD_UI_FILES}
  COMMENT "Embedding the web UI's files")
list(APPEND REFD_SOURCES ${CMAKE_CURRENT_BINARY_DIR}/ui_assets.c)
