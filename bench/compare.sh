#!/usr/bin/env bash
# Side-by-side classification benchmark: truceline, GEOS prepared geometries, PostGIS, and the
# end-to-end `truceline classify`, all on the same random points over the default plan's area, in
# one run. Prints points per second and the ratios, and appends a dated section with the machine,
# the numbers and this command to docs/benchmarks.md.
#
#   bash bench/compare.sh [--points N] [--no-docs]
#
#   --points N   points for every contender (DEFAULT: 10,000,000)
#   --no-docs    print only; leave docs/benchmarks.md alone (for trying the script out)
# Environment: BUILD (DEFAULT: build-bench), OUT (compiled plan, DEFAULT: out),
#              PG_BUDGET_S (longest PostGIS zone query on all points, DEFAULT: 300).
#
# Takes about 10 minutes on 2 cores. Work files (the 10M-row CSV, ~300 MB; the server) go to
# $BUILD/compare and are removed at the end, but for the log.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
COMMAND="bash bench/compare.sh${*:+ $*}"
N=10000000
DOCS=1
while (($#)); do
  case "$1" in
    --points) N=$2; shift 2 ;;
    --no-docs) DOCS=0; shift ;;
    *) echo "usage: bash bench/compare.sh [--points N] [--no-docs]" >&2; exit 2 ;;
  esac
done
BUILD=${BUILD:-build-bench}
OUT=${OUT:-out}
PG_BUDGET_S=${PG_BUDGET_S:-300}
PLAN=plans/kellogg-2025-04.toml
WORK=$ROOT/$BUILD/compare
PG_DIR=$WORK/pg
PROBE_N=100000       # PostGIS points timed first, to decide whether all N fit the budget
PG_SUBSET_N=1000000  # PostGIS points when they do not
DIST_N=100000        # PostGIS geography distances (one spheroidal distance per point is slow)
BENCH_START=$(date +%s)

mkdir -p "$WORK"
exec > >(tee "$WORK/compare.log") 2>&1

# --- build and inputs -----------------------------------------------------------------------

bash scripts/setup.sh --bench
{ cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release &&
  cmake --build "$BUILD" -j "$(nproc)" --target truceline truceline_compare truceline_bench_locator; } \
  >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log"; exit 1; }
"$BUILD/truceline" plan compile "$PLAN" -o "$OUT" >/dev/null

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# --- truceline and GEOS, in one process ----------------------------------------------------

"$BUILD/bench/truceline_compare" --points "$N" --csv "$WORK/points.csv" \
  --dist-csv "$WORK/dist.csv" --dist-points "$DIST_N" | tee "$WORK/compare.out" | grep -v '^RESULT count_'
declare -A R
while read -r _ k v; do R[$k]=$v; done < <(grep '^RESULT ' "$WORK/compare.out")

# Arithmetic on decimals: calc 'expression'.
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'; }
now() { date +%s.%N; }
since() { calc "$(now) - $1"; }

# --- end to end: truceline classify ----------------------------------------------------------

echo
echo "truceline classify, $N rows, all cores ($(nproc))"
/usr/bin/time -v "$BUILD/truceline" classify "$PLAN" "$WORK/points.csv" -o "$WORK/classified.csv" 2>"$WORK/time.txt" ||
  { cat "$WORK/time.txt"; exit 1; }
CL_WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$WORK/time.txt")
CL_RSS_MB=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$WORK/time.txt")
CL_MRPS=$(calc "$N / $CL_WALL / 1e6")
CL_ROWS=$(($(wc -l <"$WORK/classified.csv") - 1))
# The same zones as the Locator gave in memory: the per-zone counts must match.
CL_COUNTS_OK=yes
while IFS=, read -r zone count; do
  [[ "${R[count_${N}_$zone]:-}" == "$count" ]] || CL_COUNTS_OK="no ($zone: $count vs ${R[count_${N}_$zone]:-none})"
done < <(awk -F, 'NR > 1 { c[$4]++ } END { for (z in c) print z "," c[z] }' "$WORK/classified.csv")
rm -f "$WORK/classified.csv"
printf "  %-58s %10s M rows/s  (%s rows, %s s wall, peak RSS %s MB; zone counts match: %s)\n" \
  "classify PLAN points.csv -o out.csv" "$CL_MRPS" "$CL_ROWS" "$CL_WALL" "$CL_RSS_MB" "$CL_COUNTS_OK"

# --- PostGIS -----------------------------------------------------------------------------------

echo
trap 'bash scripts/pg-local.sh stop "$PG_DIR" || true' EXIT
bash scripts/pg-local.sh stop "$PG_DIR"
URI=$(bash scripts/pg-local.sh start "$PG_DIR" --postgis)
export PGOPTIONS="-c client_min_messages=warning"
q() { psql "$URI" -X -q -At -v ON_ERROR_STOP=1 -c "$1"; }
PG_VERSION=$(q "SELECT split_part(version(), ' ', 2) || ', PostGIS ' || postgis_lib_version() || ', GEOS ' || split_part(postgis_geos_version(), '-', 1)")
echo "PostgreSQL $PG_VERSION (local server, default settings, fsync on; one backend: INSERT ... SELECT runs no parallel workers)"

# A GeoJSON file as one text value: COPY in CSV mode with quote and delimiter bytes JSON never holds.
load_json() { tr -d '\n' <"$2" | psql "$URI" -X -q -v ON_ERROR_STOP=1 -c "COPY $1 FROM STDIN WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')"; }
q "CREATE TABLE zones_raw (doc text); CREATE TABLE lines_raw (doc text)"
load_json zones_raw "$OUT/zones.geojson"
load_json lines_raw "$OUT/lines.geojson"
# As PostGIS advises for point-in-polygon joins: polygons cut into pieces of at most 255 vertices,
# a GiST index on them, statistics.
q "CREATE TABLE zones AS
     SELECT f -> 'properties' ->> 'id' AS zone,
            ST_Subdivide(ST_SetSRID(ST_GeomFromGeoJSON(f ->> 'geometry'), 4326), 255)::geometry(Polygon, 4326) AS geom
     FROM zones_raw, jsonb_array_elements(doc::jsonb -> 'features') f;
   CREATE INDEX zones_geom ON zones USING gist (geom);
   ANALYZE zones;
   CREATE TABLE loc AS
     SELECT ST_SetSRID(ST_GeomFromGeoJSON(f ->> 'geometry'), 4326)::geography AS geog
     FROM lines_raw, jsonb_array_elements(doc::jsonb -> 'features') f
     WHERE f -> 'properties' ->> 'kind' = 'line_of_contact'"
echo "  zones: $(q "SELECT count(*) FROM zones") pieces after ST_Subdivide(geom, 255)"

# Loads the first $1 points: COPY of the CSV, then point geometries and statistics.
load_points() {
  q "DROP TABLE IF EXISTS points_raw, points, result;
     CREATE TABLE points_raw (id bigint, lat double precision, lon double precision)"
  head -n "$(($1 + 1))" "$WORK/points.csv" |
    psql "$URI" -X -q -v ON_ERROR_STOP=1 -c "COPY points_raw (id, lat, lon) FROM STDIN WITH (FORMAT csv, HEADER)"
  q "CREATE TABLE points AS
       SELECT id, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geometry(Point, 4326) AS geom FROM points_raw;
     DROP TABLE points_raw;
     ANALYZE points;
     CREATE TABLE result (id bigint, zone text)"
}
ZONE_QUERY="INSERT INTO result SELECT p.id, z.zone FROM points p LEFT JOIN zones z ON ST_Contains(z.geom, p.geom)"
# Seconds of the zone query over the points loaded.
zone_query() {
  local t0
  t0=$(now)
  q "$ZONE_QUERY"
  since "$t0"
}

load_points "$PROBE_N"
PROBE_S=$(zone_query)
PROBE_MPPS=$(calc "$PROBE_N / $PROBE_S / 1e6")
PG_N=$N
PG_NOTE="all $N points"
if awk -v n="$N" -v r="$PROBE_MPPS" -v b="$PG_BUDGET_S" 'BEGIN { exit !(n / (r * 1e6) > b) }'; then
  PG_N=$((PG_SUBSET_N < N ? PG_SUBSET_N : N))
  PG_NOTE="first $PG_N of the $N points: at the probe's $PROBE_MPPS M points/s all would take over $PG_BUDGET_S s; the comparison is per point/s"
fi
echo "  probe: $PROBE_N points in $PROBE_S s; zone query runs on $PG_NOTE"

T0=$(now)
load_points "$PG_N"
PG_LOAD_S=$(since "$T0")
echo "  load ($PG_N points: COPY, ST_MakePoint, ANALYZE): $PG_LOAD_S s"
q "EXPLAIN (COSTS OFF) $ZONE_QUERY" | sed 's/^/    /'
PG_ZONE_S=$(zone_query)
PG_ZONE_MPPS=$(calc "$PG_N / $PG_ZONE_S / 1e6")
printf "  %-58s %10s M points/s  (%s points, %s s)\n" "zone (INSERT ... LEFT JOIN ... ST_Contains)" "$PG_ZONE_MPPS" "$PG_N" "$PG_ZONE_S"
# Counts per zone against truceline's. ST_Contains leaves out a point lying exactly on an edge of
# a piece, and ST_Subdivide's cuts are new edges, so a stray point may find no zone in PostGIS.
PG_COUNTS_OK=yes
while IFS='|' read -r zone count; do
  zone=${zone:-outside}
  want=${R[count_${PG_N}_$zone]:-0}
  if [[ "$want" != "$count" ]]; then
    PG_COUNTS_OK="no"
    PG_DETAIL="${PG_DETAIL:+$PG_DETAIL, }$zone $count vs $want"
  fi
done < <(q "SELECT zone, count(*) FROM result GROUP BY zone")
[[ $PG_COUNTS_OK == yes ]] || PG_COUNTS_OK="no, PostGIS vs truceline: $PG_DETAIL (points on the edges of ST_Subdivide's pieces are in no piece for ST_Contains)"
echo "  zone counts match truceline's on the same points: $PG_COUNTS_OK"

# Geodesic distance: geography (spheroid) distance to the line of contact on the first DIST_N points.
q "CREATE TABLE points_dist AS SELECT * FROM points WHERE id <= $DIST_N;
   CREATE TABLE result_dist (id bigint, dist_m double precision);
   CREATE TABLE truceline_dist (id bigint, dist_m double precision)"
T0=$(now)
q "INSERT INTO result_dist SELECT p.id, ST_Distance(l.geog, p.geom::geography) FROM points_dist p CROSS JOIN loc l"
PG_DIST_S=$(since "$T0")
PG_DIST_MPPS=$(calc "$DIST_N / $PG_DIST_S / 1e6")
psql "$URI" -X -q -v ON_ERROR_STOP=1 -c "COPY truceline_dist FROM STDIN WITH (FORMAT csv, HEADER)" <"$WORK/dist.csv"
read -r WORST_ID PG_DIST_DIFF PG_DIST_REL < <(q "SELECT id, round(abs(r.dist_m - t.dist_m)::numeric, 1), round((100 * abs(r.dist_m - t.dist_m) / t.dist_m)::numeric, 3)
  FROM result_dist r JOIN truceline_dist t USING (id) ORDER BY abs(r.dist_m - t.dist_m) DESC LIMIT 1" | tr '|' ' ')
# Who is right there: the line is densified to 1 km, so the nearest vertex by PostGIS's own
# point-to-point spheroid distance is within a metre of the true distance for a far point.
read -r WORST_T WORST_PG WORST_VERTEX < <(q "SELECT round(t.dist_m::numeric, 1), round(r.dist_m::numeric, 1),
  round((SELECT min(ST_Distance(d.geom::geography, p.geom::geography)) FROM loc, ST_DumpPoints(loc.geog::geometry) d)::numeric, 1)
  FROM points_dist p JOIN result_dist r USING (id) JOIN truceline_dist t USING (id) WHERE id = $WORST_ID" | tr '|' ' ')
printf "  %-58s %10s M points/s  (%s points, %s s)\n" "distance (ST_Distance(line::geography, p.geom::geography))" \
  "$PG_DIST_MPPS" "$DIST_N" "$PG_DIST_S"
PG_DIST_NOTE="at most $PG_DIST_DIFF m ($PG_DIST_REL %) from truceline's; at that point (id $WORST_ID) truceline $WORST_T m, PostGIS $WORST_PG m, nearest vertex of the line by point-to-point spheroid distance $WORST_VERTEX m"
echo "  geography distances: $PG_DIST_NOTE"
bash scripts/pg-local.sh stop "$PG_DIR"
trap - EXIT
rm -f "$WORK/points.csv" "$WORK/dist.csv"

# --- summary -----------------------------------------------------------------------------------

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
# Rates as people read them: 185.6, 3.39, 0.050.
fmt() { awk -v v="$1" 'BEGIN { if (v >= 100) printf "%.1f", v; else if (v >= 1) printf "%.2f", v; else printf "%.3f", v }'; }
T_Z1=$(fmt "${R[truceline_zone_t1_mpps]}")
T_Z2=$(fmt "${R[truceline_zone_t2_mpps]}")
T_D1=$(fmt "${R[truceline_zone_dist_t1_mpps]}")
T_D2=$(fmt "${R[truceline_zone_dist_t2_mpps]}")
G_Z1=$(fmt "${R[geos_zone_t1_mpps]}")
G_Z2=$(fmt "${R[geos_zone_t2_mpps]}")
G_D1=$(fmt "${R[geos_zone_dist_t1_mpps]}")
G_D2=$(fmt "${R[geos_zone_dist_t2_mpps]}")
G_P1=$(fmt "${R[geos_plain_dist_t1_mpps]}")
PG_ZONE_F=$(fmt "$PG_ZONE_MPPS")
PG_DIST_F=$(fmt "$PG_DIST_MPPS")
CL_F=$(fmt "$CL_MRPS")
BUILD_S=$(awk -v v="${R[build_s]}" 'BEGIN { printf "%.3f", v }')
BUILD_MB=$(awk -v v="${R[build_peak_mb]}" 'BEGIN { printf "%.1f", v }')
R_GEOS=$(ratio "${R[truceline_zone_t1_mpps]}" "${R[geos_zone_t1_mpps]}")
R_PG=$(ratio "${R[truceline_zone_t1_mpps]}" "$PG_ZONE_MPPS")
R_GEOS_D=$(ratio "${R[truceline_zone_dist_t1_mpps]}" "${R[geos_zone_dist_t1_mpps]}")
R_PG_D=$(ratio "${R[truceline_zone_dist_t1_mpps]}" "$PG_DIST_MPPS")
verdict() { if awk "BEGIN { exit !($1) }"; then echo "met"; else echo "**not met**"; fi; }
V_ZONE=$(verdict "${R[truceline_zone_t1_mpps]} >= 30")
V_GEOS=$(verdict "$R_GEOS >= 10")
V_PG=$(verdict "$R_PG >= 300")
V_CL=$(verdict "$CL_MRPS >= 3 && $CL_RSS_MB < 200")
V_BUILD=$(verdict "${R[build_s]} < 1 && ${R[build_peak_mb]} < 64")
ELAPSED=$(($(date +%s) - BENCH_START))

CPU=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
MEM=$(free -g | awk '/^Mem:/ { print $2 " GiB" }')
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git status --porcelain -- src bench 2>/dev/null)" ]]; then COMMIT="$COMMIT + uncommitted changes in src/ or bench/"; fi

SECTION=$(cat <<EOF

## $(date -u '+%Y-%m-%d %H:%M UTC') — $N points

Machine: $CPU, $(nproc) cores, $MEM; $(. /etc/os-release && echo "$PRETTY_NAME"), $(g++ --version | head -1).
Load average (1, 5, 15 min) at the start $LOAD_START, at the end $LOAD_END. Tree: $COMMIT.
Command: \`$COMMAND\` (whole run ${ELAPSED} s).

| what (same points) | 1 thread, M points/s | 2 threads, M points/s |
| --- | ---: | ---: |
| truceline zone (\`Locator::zone_of\`) | $T_Z1 | $T_Z2 |
| truceline zone + geodesic distance | $T_D1 | $T_D2 |
| GEOS ${R[geos_version]%%-*} zone (\`GEOSPreparedContains_r\`, point per query) | $G_Z1 | $G_Z2 |
| GEOS zone + planar distance (\`GEOSPreparedDistance_r\`) | $G_D1 | $G_D2 |
| GEOS planar distance alone (\`GEOSDistance_r\`, first 200,000 points) | $G_P1 | |
| PostGIS zone (\`INSERT … LEFT JOIN zones ON ST_Contains\`, one backend, $PG_N points) | $PG_ZONE_F | |
| PostGIS geography distance (\`ST_Distance\`, one backend, $DIST_N points) | $PG_DIST_F | |

- PostGIS ran on $PG_NOTE. Load of those points (COPY, \`ST_MakePoint\`, \`ANALYZE\`): $PG_LOAD_S s, not in the rate. Zone counts equal truceline's: $PG_COUNTS_OK. Geography distances: $PG_DIST_NOTE.
- truceline and GEOS disagree on the zone of ${R[zone_mismatch]%.*} of the $N points.
- \`truceline classify\` of a $N-row CSV (\`id,lat,lon\`) to a file, $(nproc) threads, plan compile included: **$CL_WALL s wall, $CL_F M rows/s, peak RSS $CL_RSS_MB MB** (\`/usr/bin/time -v\`); zone counts equal the in-memory run's: $CL_COUNTS_OK.
- Index build (\`Locator\` construction): $BUILD_S s, peak memory +$BUILD_MB MB.

| bar | measured | |
| --- | --- | --- |
| zone lookup ≥ 30 M points/s on one core | $T_Z1 M/s | $V_ZONE |
| ≥ 10× GEOS prepared (zone, 1 thread) | ${R_GEOS}× | $V_GEOS |
| ≥ 300× PostGIS (zone, 1 thread vs one backend) | ${R_PG}× | $V_PG |
| classify ≥ 3 M rows/s on two cores, peak < 200 MB | $CL_F M rows/s, $CL_RSS_MB MB | $V_CL |
| index build < 1 s and < 64 MB | $BUILD_S s, +$BUILD_MB MB | $V_BUILD |

With distance, truceline is ${R_GEOS_D}× GEOS prepared (zone + planar distance) and ${R_PG_D}× PostGIS geography distance, 1 thread each.
EOF
)
echo
echo "$SECTION"
if ((DOCS)); then
  [[ -f docs/benchmarks.md ]] || echo "# Benchmarks" >docs/benchmarks.md
  echo "$SECTION" >>docs/benchmarks.md
  echo
  echo "appended to docs/benchmarks.md"
fi
