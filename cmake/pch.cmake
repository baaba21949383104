# Precompiled headers (docs/testing.md, "Build time"): a good part of a translation unit's compile
# time is spent parsing the same few heavy headers — nlohmann-json, cpp-httplib, GoogleTest and the
# standard library — so each target parses them once. With clang (the sanitizer and fuzz build)
# this saved 16 % of the build's CPU time; with gcc 12 only 8 %, and gcc then reports false
# -Warray-bounds warnings inside std::string (GCC bug 105651), so gcc builds go without.
# TRUCELINE_PCH=OFF builds without them (to check that every file still includes what it uses).
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  option(TRUCELINE_PCH "precompile the heaviest headers" ON)
else()
  option(TRUCELINE_PCH "precompile the heaviest headers" OFF)
endif()

set(TRUCELINE_PCH_STD
  <algorithm> <array> <atomic> <chrono> <cmath> <cstdint> <cstdio> <cstring> <filesystem>
  <fstream> <functional> <map> <memory> <mutex> <optional> <set> <sstream> <string>
  <string_view> <thread> <unordered_map> <vector>)

# truceline_pch(TARGET [HEADER...]): the standard set plus the given headers.
function(truceline_pch target)
  if(TRUCELINE_PCH)
    target_precompile_headers(${target} PRIVATE ${TRUCELINE_PCH_STD} ${ARGN})
    # clang refuses a PCH when a header's mtime differs from when it was built, even if the
    # header is older (a package reinstalled): ninja then sees nothing to rebuild. Compare the
    # content instead where the mtime differs.
    target_compile_options(${target} PRIVATE -fpch-validate-input-files-content)
  endif()
endfunction()
