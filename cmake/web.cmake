# The dashboard's and the observer app's tests (web/): their pure JavaScript under node's test
# runner (every web/test/*.test.mjs), and the end-to-end tests, which drive Debian's Chromium
# against a real `truceline serve`. The dashboard itself is
# built by `make web` (npm ci, then esbuild into web/dist), outside CMake, so that a C++ build
# never waits on npm.
find_program(NODE_EXECUTABLE NAMES node nodejs)
if(NODE_EXECUTABLE)
  add_test(NAME web.unit COMMAND ${NODE_EXECUTABLE} --test ${CMAKE_SOURCE_DIR}/web/test/)
  add_test(NAME web.e2e.dashboard
    COMMAND ${NODE_EXECUTABLE} ${CMAKE_SOURCE_DIR}/web/e2e/dashboard.test.mjs
      --binary $<TARGET_FILE:truceline> --source ${CMAKE_SOURCE_DIR} --out ${CMAKE_BINARY_DIR})
  # The observer app at /report on a phone-sized browser, online and with the server stopped and
  # started again; its screenshots go to out/report/ of the source tree.
  add_test(NAME web.e2e.report
    COMMAND ${NODE_EXECUTABLE} ${CMAKE_SOURCE_DIR}/web/e2e/report.test.mjs
      --binary $<TARGET_FILE:truceline> --source ${CMAKE_SOURCE_DIR} --out ${CMAKE_BINARY_DIR})
  # `serve --cot-listen` and GET /v1/cot read by @tak-ps/node-cot (a devDependency: make web's
  # npm ci installs it); a server of its own, no browser.
  add_test(NAME web.e2e.cot
    COMMAND ${NODE_EXECUTABLE} ${CMAKE_SOURCE_DIR}/web/e2e/cot.test.mjs
      --binary $<TARGET_FILE:truceline> --source ${CMAKE_SOURCE_DIR})
  set_tests_properties(web.e2e.cot PROPERTIES TIMEOUT 300)
  # A browser and a server of its own: run it alone, so two cores are not shared three ways.
  set_tests_properties(web.e2e.dashboard web.e2e.report PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
  set_tests_properties(web.unit web.e2e.dashboard web.e2e.report web.e2e.cot PROPERTIES LABELS web)
else()
  add_test(NAME web.node_missing COMMAND sh -c "echo 'node is missing: run scripts/setup.sh' >&2; exit 1")
endif()
