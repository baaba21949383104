"""GSHHG full-resolution shorelines through GMT (`gmt coast`), as shapely geometry."""
import subprocess
import tempfile

from shapely.geometry import LineString, box
from shapely.ops import polygonize, unary_union


def gmt_segments(args):
    """Polylines of a `gmt coast ... -M` dump, as lists of (lon, lat)."""
    # Run in a scratch directory: GMT leaves a gmt.history file in its working directory.
    with tempfile.TemporaryDirectory() as scratch:
        out = subprocess.run(["gmt", "coast"] + args, cwd=scratch,
                             check=True, capture_output=True, text=True).stdout
    segs, cur = [], []
    for line in out.splitlines():
        if line.startswith(">"):
            if len(cur) > 1:
                segs.append(cur)
            cur = []
            continue
        parts = line.split()
        if len(parts) >= 2:
            cur.append((float(parts[0]), float(parts[1])))
    if len(cur) > 1:
        segs.append(cur)
    return segs


def region_arg(r):
    """GMT's -R option for r = (west, east, south, north)."""
    return "-R%g/%g/%g/%g" % tuple(r)


def is_ocean(points, frame):
    """GSHHG's verdict for each (lon, lat): True where the point is in the ocean.

    Lakes, islands in lakes and ponds all count as not ocean (the land keeps its lakes).
    """
    text = "".join("%.10f %.10f %d\n" % (x, y, i) for i, (x, y) in enumerate(points))
    with tempfile.TemporaryDirectory() as scratch:
        # -N<ocean>/<land>/<lake>/<island>/<pond>: keep only the points in the ocean.
        out = subprocess.run(["gmt", "select", region_arg(frame), "-Df", "-Nk/s/s/s/s", "-fg"],
                             cwd=scratch, input=text, check=True,
                             capture_output=True, text=True).stdout
    wet = {int(line.split()[2]) for line in out.splitlines() if line.strip()}
    return [i in wet for i in range(len(points))]


def ocean(frame, margin=0.2):
    """The ocean (GSHHG level-1 shoreline, seaward side) within frame = (w, e, s, n).

    GMT dumps the shoreline clipped to its tiles, and open where it leaves the region.
    The shoreline is read for a slightly larger region, noded together with the frame's
    edges, and polygonized; each face of the frame is then classified by asking GMT
    whether a point inside it is in the ocean.
    """
    w, e, s, n = frame
    segs = gmt_segments([region_arg((w - margin, e + margin, s - margin, n + margin)),
                         "-Df", "-A0/1/1", "-W1", "-M"])
    frame_poly = box(w, s, e, n)
    noded = unary_union([LineString(sg) for sg in segs] + [frame_poly.exterior])
    faces = [f for f in polygonize(noded) if frame_poly.contains(f.representative_point())]
    total = sum(f.area for f in faces)
    if abs(total - frame_poly.area) > 1e-9 * frame_poly.area:
        raise SystemExit(f"gshhg: shoreline faces cover {total} of the frame's {frame_poly.area} deg2")
    wet = is_ocean([f.representative_point().coords[0] for f in faces], frame)
    return unary_union([f for f, is_wet in zip(faces, wet) if is_wet])


def on_frame_edge(geom, frame, tol=1e-9):
    """Whether geom reaches the frame's edge (used to check that the frame is large enough)."""
    w, e, s, n = frame
    return geom.intersects(box(w, s, e, n).exterior.buffer(tol))
