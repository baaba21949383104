#!/usr/bin/env bash
# Installs the Debian packages truceline needs to build, run and test, and only those missing.
# Idempotent: a second run installs nothing and makes no network call.
set -euo pipefail

# Build and run: compiler, CMake, and the libraries linked into libtruceline.
BUILD_PKGS=(
  g++ cmake make pkg-config
  libgeos-dev libproj-dev libgeographiclib-dev
  nlohmann-json3-dev libtomlplusplus-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev libpq-dev libssl-dev libcpp-httplib-dev
  # The HTTP server of `serve` is Boost.Beast on Boost.Asio (header-only).
  libboost-dev
  # GeoPackage and KML exports go through GDAL's OGR.
  libgdal-dev
  # The truceline program allocates through jemalloc (serve's many threads).
  libjemalloc-dev
  # The PostgreSQL store's tests run against a real server that the tests start themselves.
  postgresql
  # The dashboard is built from npm packages (web/); kept when the machine has its own Node.js.
  nodejs npm
)
# Tests only (`make test`): the dashboard's end-to-end tests and the report's screenshot drive
# Debian's Chromium headless; the log's independent check (tests/go/logcheck) is Go against
# golang.org/x/mod's sumdb/note and sumdb/tlog, built in GOPATH mode so that nothing is downloaded.
TEST_PKGS=(chromium gdal-bin golang-go golang-golang-x-mod-dev openssl)
# Fuzzing and the sanitizer build (`make fuzz`, `make test-asan`): clang with its sanitizer and
# libFuzzer runtimes, and Ninja (the asan preset's generator).
FUZZ_PKGS=(clang libclang-rt-14-dev ninja-build)
# Data regeneration only (scripts/regen-data.sh); `make run` and the tests use the committed layers.
DATA_PKGS=(gmt gmt-gshhg-full nodejs npm python3 python3-shapely)
# Benchmarks only (bench/compare.sh): a local PostgreSQL with PostGIS to compare against, and GNU
# time for wall time and peak memory.
BENCH_PKGS=(postgresql postgresql-15-postgis-3 time)

want=()
add() {
  for p in "$@"; do
    # A Node.js build that ships its own npm conflicts with Debian's npm package: keep the one there.
    if [[ "$p" == npm ]] && command -v npm >/dev/null; then continue; fi
    if [[ "$p" == nodejs ]] && command -v node >/dev/null; then continue; fi
    want+=("$p")
  done
}
add "${BUILD_PKGS[@]}"
if [[ " $* " == *" --data "* ]]; then add "${DATA_PKGS[@]}"; fi
if [[ " $* " == *" --bench "* ]]; then add "${BENCH_PKGS[@]}"; fi
if [[ " $* " == *" --test "* ]]; then add "${TEST_PKGS[@]}"; fi
if [[ " $* " == *" --fuzz "* ]]; then add "${FUZZ_PKGS[@]}"; fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then exit 0; fi

echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
