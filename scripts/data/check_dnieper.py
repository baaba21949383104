#!/usr/bin/env python3
"""Checks that data/dnieper/dnieper.geojson cuts the Ukraine outline into two banks.

Usage: check_dnieper.py <ua-regions.geojson> <dnieper.geojson>
Exits non-zero when a check fails; prints the areas of the two banks.
"""
import json
import os
import sys

from shapely.geometry import LineString, Point, shape
from shapely.ops import polygonize, unary_union

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from geo_common import ellipsoidal_area_km2, geodesic_length_km  # noqa: E402

RIGHT_BANK = {  # (lat, lon)
    "Lviv": (49.84, 24.03), "Odesa": (46.48, 30.72), "Vinnytsia": (49.23, 28.47),
    "Kherson city": (46.64, 32.61), "Nikopol": (47.57, 34.39), "Kyiv Khreshchatyk": (50.45, 30.52),
}
LEFT_BANK = {
    "Poltava": (49.59, 34.55), "Chernihiv": (51.49, 31.29), "Kharkiv": (49.99, 36.23),
    "Enerhodar": (47.50, 34.66), "Kyiv Darnytsia": (50.45, 30.63),
}


def main():
    with open(sys.argv[1], encoding="utf-8") as fh:
        union = unary_union([shape(f["geometry"]) for f in json.load(fh)["features"]])
    with open(sys.argv[2], encoding="utf-8") as fh:
        fc = json.load(fh)
    feats = fc["features"]
    failures = []
    if len(feats) != 1 or feats[0]["geometry"]["type"] != "LineString":
        raise SystemExit("dnieper: expected exactly one LineString feature")
    coords = feats[0]["geometry"]["coordinates"]
    line = LineString(coords)
    if not line.is_simple:
        failures.append("line is not simple")
    if union.contains(Point(coords[0])) or union.contains(Point(coords[-1])):
        failures.append("an end of the line lies inside the outline")
    if coords[0][1] <= coords[-1][1]:
        failures.append("line is not ordered north to south")
    crossings = line.intersection(union.boundary)
    n_cross = 1 if crossings.geom_type == "Point" else len(getattr(crossings, "geoms", []))
    if n_cross != 2:
        failures.append(f"line crosses the outline boundary {n_cross} times, expected 2")

    # The main land polygon of the outline, cut by the line.
    mainland = max(union.geoms, key=lambda p: p.area) if union.geom_type == "MultiPolygon" else union
    faces = [f for f in polygonize(unary_union([mainland.exterior, line]))
             if mainland.contains(f.representative_point())]
    faces.sort(key=lambda f: -f.area)
    big = [f for f in faces if ellipsoidal_area_km2(f) > 1000]
    if len(big) != 2:
        failures.append(f"expected two large faces, found {len(big)}")
    tiny = [ellipsoidal_area_km2(f) for f in faces if ellipsoidal_area_km2(f) <= 1000]
    if tiny:
        failures.append(f"{len(tiny)} small extra faces: {tiny}")
    if len(big) >= 2:
        west, east = sorted(big[:2], key=lambda f: f.centroid.x)
        for name, (lat, lon) in RIGHT_BANK.items():
            if not west.contains(Point(lon, lat)):
                failures.append(f"{name} is not on the right (west) bank")
        for name, (lat, lon) in LEFT_BANK.items():
            if not east.contains(Point(lon, lat)):
                failures.append(f"{name} is not on the left (east) bank")
        # Islands of the outline (e.g. in the estuary) are not cut; report the main faces.
        print(f"dnieper check: right/west bank {ellipsoidal_area_km2(west):,.0f} km2, "
              f"left/east bank {ellipsoidal_area_km2(east):,.0f} km2, "
              f"outline total {ellipsoidal_area_km2(union):,.0f} km2")
    print(f"dnieper check: {len(coords)} vertices, {geodesic_length_km(coords):.1f} km, "
          f"{n_cross} outline crossings, simple={line.is_simple}")
    if failures:
        for f in failures:
            print("FAIL:", f)
        sys.exit(1)
    print("dnieper check: ok")


if __name__ == "__main__":
    main()
