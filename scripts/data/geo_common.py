"""Shared helpers for truceline's data regeneration scripts (shapely + numpy only)."""
import json
import math

import numpy as np

# WGS84 ellipsoid.
WGS84_A = 6378137.0
WGS84_F = 1.0 / 298.257223563
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
WGS84_E = math.sqrt(WGS84_E2)


def _authalic_q(lat_rad):
    """q(phi) of the authalic latitude (Snyder, Map Projections, eq. 3-12)."""
    s = np.sin(lat_rad)
    e = WGS84_E
    return (1.0 - WGS84_E2) * (s / (1.0 - WGS84_E2 * s * s)
                                - (1.0 / (2.0 * e)) * np.log((1.0 - e * s) / (1.0 + e * s)))


def equal_area_xy(lon, lat, lon0=31.0):
    """Lambert cylindrical equal-area projection of the WGS84 ellipsoid (metres).

    Areas measured in this plane are ellipsoidal areas; edges are straight in the
    plane, which differs from geodesic edges by a negligible amount for the dense
    outlines used here.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    x = WGS84_A * np.radians(lon - lon0)
    y = WGS84_A * _authalic_q(np.radians(lat)) / 2.0
    return x, y


def project_equal_area(geom, lon0=31.0):
    from shapely.ops import transform

    def f(x, y, z=None):
        return equal_area_xy(x, y, lon0)

    return transform(f, geom)


def ellipsoidal_area_km2(geom):
    return project_equal_area(geom).area / 1e6


def geodesic_length_km(coords):
    """Length of a lon/lat polyline on the WGS84 ellipsoid, segment by segment.

    Uses Lambert's formula for long lines on the ellipsoid; accurate to well under
    a metre per segment for the short segments of the river line.
    """
    total = 0.0
    for (lon1, lat1), (lon2, lat2) in zip(coords[:-1], coords[1:]):
        total += _lambert_distance(lat1, lon1, lat2, lon2)
    return total / 1000.0


def _lambert_distance(lat1, lon1, lat2, lon2):
    if lat1 == lat2 and lon1 == lon2:
        return 0.0
    f = WGS84_F
    b1 = math.atan((1 - f) * math.tan(math.radians(lat1)))
    b2 = math.atan((1 - f) * math.tan(math.radians(lat2)))
    dlon = math.radians(lon2 - lon1)
    # Central angle on the sphere of reduced latitudes.
    cos_s = math.sin(b1) * math.sin(b2) + math.cos(b1) * math.cos(b2) * math.cos(dlon)
    sig = math.atan2(math.hypot(math.cos(b2) * math.sin(dlon),
                                math.cos(b1) * math.sin(b2) - math.sin(b1) * math.cos(b2) * math.cos(dlon)),
                     cos_s)
    if sig == 0.0:
        return 0.0
    p = (b1 + b2) / 2.0
    q = (b2 - b1) / 2.0
    x = (sig - math.sin(sig)) * (math.sin(p) ** 2 * math.cos(q) ** 2) / (math.cos(sig / 2) ** 2)
    y = (sig + math.sin(sig)) * (math.cos(p) ** 2 * math.sin(q) ** 2) / (math.sin(sig / 2) ** 2)
    return WGS84_A * (sig - f / 2.0 * (x + y))


def round_coords(obj, nd=6):
    """Round every coordinate of a GeoJSON geometry dict to nd decimals."""
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), nd) for v in obj]
        return [round_coords(v, nd) for v in obj]
    return obj


def dump_compact(obj, path):
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        json.dump(obj, fh, ensure_ascii=False, separators=(",", ":"))
        fh.write("\n")
