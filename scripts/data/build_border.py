#!/usr/bin/env python3
"""Builds data/border/ua-land-border.geojson: Ukraine's land state border.

The land border is the outline of data/regions/ua-regions.geojson minus its sea coast.
build_regions.py makes the sea coast GSHHG's shoreline (rounded to 6 decimals) and keeps
Natural Earth's land border, so an edge of the outline is coast when its midpoint lies
in GSHHG's ocean or within COAST_TOL_DEG of it, and land border otherwise (including
where a land border is continued to the shoreline across land GSHHG adds). Consecutive
land-border edges are merged into lines; their vertices are the outline's own.

Usage: build_border.py <ua-regions.geojson> <output geojson>
"""
import json
import os
import sys

from shapely.geometry import Point, box, shape
from shapely.geometry.polygon import orient
from shapely.ops import unary_union
from shapely.prepared import prep

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gshhg  # noqa: E402
from build_regions import FRAME, polygons  # noqa: E402
from geo_common import dump_compact, geodesic_length_km  # noqa: E402

# Coast vertices are GSHHG's rounded to 6 decimals: at most 0.71e-6 deg off the shoreline.
COAST_TOL_DEG = 2e-6


def land_border_runs(ring, is_coast):
    """Maximal runs of consecutive non-coast edges of a closed ring, as coordinate lists."""
    coords = list(ring.coords)[:-1]
    n = len(coords)
    coast = [is_coast(coords[i], coords[(i + 1) % n]) for i in range(n)]
    if all(coast):
        return []
    if not any(coast):
        return [coords + [coords[0]]]
    start = coast.index(True)  # begin the walk at a coast edge so that no run wraps
    runs, cur = [], None
    for k in range(1, n + 1):
        i = (start + k) % n
        if coast[i]:
            if cur:
                runs.append(cur)
            cur = None
        else:
            if cur is None:
                cur = [coords[i]]
            cur.append(coords[(i + 1) % n])
    if cur:
        runs.append(cur)
    return runs


def main():
    regions_path, out = sys.argv[1], sys.argv[2]
    with open(regions_path, encoding="utf-8") as fh:
        outline = unary_union([shape(f["geometry"]) for f in json.load(fh)["features"]])
    sea_near = prep(gshhg.ocean(FRAME).buffer(COAST_TOL_DEG))
    frame = prep(box(FRAME[0], FRAME[2], FRAME[1], FRAME[3]))

    def is_coast(a, b):
        mid = Point((a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0)
        return frame.contains(mid) and sea_near.contains(mid)

    runs, coast_km = [], 0.0
    for poly in polygons(outline):
        ring = orient(poly, 1.0).exterior
        if poly.interiors:
            raise SystemExit("border: the outline has holes")
        found = land_border_runs(ring, is_coast)
        runs += found
        coast_km += geodesic_length_km(list(ring.coords)) - sum(geodesic_length_km(r) for r in found)
    runs.sort(key=lambda r: -geodesic_length_km(r))
    lines = [[[x, y] for x, y in r] for r in runs]
    geometry = ({"type": "LineString", "coordinates": lines[0]} if len(lines) == 1
                else {"type": "MultiLineString", "coordinates": lines})
    feature = {
        "type": "Feature",
        "properties": {
            "name": "Ukraine land border",
            "source": "outline of ua-regions.geojson without its sea coast: Natural Earth 10m "
                      "admin-1 land border, ending at the GSHHG 2.3.7 full-resolution shoreline",
        },
        "geometry": geometry,
    }
    dump_compact({"type": "FeatureCollection", "features": [feature]}, out)
    for r in runs:
        print(f"border: line of {len(r)} vertices, {geodesic_length_km(r):,.1f} km, "
              f"from {r[0][1]:.5f}N {r[0][0]:.5f}E to {r[-1][1]:.5f}N {r[-1][0]:.5f}E")
    print(f"border: {len(runs)} line(s), {sum(geodesic_length_km(r) for r in runs):,.1f} km of land "
          f"border; {coast_km:,.1f} km of sea coast")


if __name__ == "__main__":
    main()
