# The dashboard's tests (web/): its pure JavaScript under node's test runner, and the end-to-end
# test, which drives Debian's Chromium against a real `truceline serve`. The dashboard itself is
# built by `make web` (npm ci, then esbuild into web/dist), outside CMake, so that a C++ build
# never waits on npm.
find_program(NODE_EXECUTABLE NAMES node nodejs)
if(NODE_EXECUTABLE)
  add_test(NAME web.unit COMMAND ${NODE_EXECUTABLE} --test ${CMAKE_SOURCE_DIR}/web/test/)
  add_test(NAME web.e2e.dashboard
    COMMAND ${NODE_EXECUTABLE} ${CMAKE_SOURCE_DIR}/web/e2e/dashboard.test.mjs
      --binary $<TARGET_FILE:truceline> --source ${CMAKE_SOURCE_DIR} --out ${CMAKE_BINARY_DIR})
  # A browser and a server of its own: run it alone, so two cores are not shared three ways.
  set_tests_properties(web.e2e.dashboard PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
  set_tests_properties(web.unit web.e2e.dashboard PROPERTIES LABELS web)
else()
  add_test(NAME web.node_missing COMMAND sh -c "echo 'node is missing: run scripts/setup.sh' >&2; exit 1")
endif()
