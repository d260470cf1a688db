"""Maps of Sweden drawn as inline SVG from the graph's own GeoSPARQL geometries.

No tiles, no script, nothing fetched: the areas' ``geo:asWKT`` polygons are read once per
process (the served graph does not change while it is served), projected with an equirectangular
projection scaled by the cosine of the middle latitude, simplified with Douglas–Peucker and
rounded to whole map units, and kept as SVG path data. A page then draws one layer (all
municipalities, counties or FA regions), each area a link to its page with its name as
``<title>``, and marks the areas it is about.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from segraph.executor import QueryRequest
from segraph.labels import best_label
from segraph.namespaces import GEO, SEG, SKOS

if TYPE_CHECKING:
    from segraph.web import Segraph

Point = tuple[float, float]

HEIGHT = 6000  # map units from the southernmost to the northernmost point of a layer
TOLERANCE = 8.0  # Douglas–Peucker tolerance, map units (a map 600 px high: under 1 px)
MIN_RING_AREA = 900.0  # islands smaller than this (map units²) are left out
MARK_BELOW = 160  # areas narrower than this (map units) also get a marker at their point

LAYERS = {  # layer name -> class of its areas
    "municipality": SEG.Municipality,
    "county": SEG.County,
    "fa-region": SEG.LabourMarketRegion,
}

AREAS = """SELECT ?area (SAMPLE(?w) AS ?wkt) (SAMPLE(?p) AS ?point)
       (SAMPLE(?s) AS ?sv) (SAMPLE(?e) AS ?en) WHERE {
  ?area a <CLASS> ; <DEFAULT>/<AS_WKT> ?w .
  OPTIONAL { ?area <POINT>/<AS_WKT> ?p }
  OPTIONAL { ?area <LABEL> ?s FILTER(langMatches(lang(?s), "sv")) }
  OPTIONAL { ?area <LABEL> ?e FILTER(langMatches(lang(?e), "en")) }
} GROUP BY ?area"""

RING = re.compile(r"\(([^()]+)\)")


@dataclass(frozen=True)
class Area:
    iri: str
    labels: dict[str, str]
    d: str  # SVG path data
    mark: tuple[int, int] | None  # where a marker goes when the area is too small to see

    def label(self, lang: str) -> str:
        return best_label(self.labels, lang, self.iri)


@dataclass(frozen=True)
class Layer:
    name: str
    width: int
    height: int
    areas: tuple[Area, ...]


def parse_rings(wkt: str) -> list[list[Point]]:
    """Every ring (outer and holes) of a WKT POLYGON or MULTIPOLYGON, as (lon, lat) lists."""
    rings = []
    for text in RING.findall(wkt):
        ring = []
        for pair in text.split(","):
            x, y = pair.split()[:2]
            ring.append((float(x), float(y)))
        rings.append(ring)
    return rings


def parse_point(wkt: str) -> Point | None:
    match = re.search(r"POINT\s*\(\s*([-\d.eE+]+)\s+([-\d.eE+]+)", wkt)
    return (float(match.group(1)), float(match.group(2))) if match else None


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker: the points that keep the line within ``tolerance`` of the original."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    limit = tolerance * tolerance
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = dx * dx + dy * dy
        worst, index = -1.0, -1
        for k in range(first + 1, last):
            x, y = points[k]
            t = 0.0 if length == 0 else max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy)
                                                    / length))
            distance = (x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2
            if distance > worst:
                worst, index = distance, k
        if worst > limit:
            keep[index] = True
            stack.extend(((first, index), (index, last)))
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def ring_area(points: list[Point]) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1]
                   for a, b in zip(points, points[1:] + points[:1], strict=True))) / 2


class Projection:
    """Equirectangular, x scaled by cos(middle latitude), north up, in whole map units."""

    def __init__(self, west: float, south: float, east: float, north: float) -> None:
        self.west, self.north = west, north
        self.scale = HEIGHT / (north - south)
        self.squeeze = math.cos(math.radians((north + south) / 2))
        self.width = math.ceil((east - west) * self.squeeze * self.scale)
        self.height = HEIGHT

    def __call__(self, lon: float, lat: float) -> Point:
        return ((lon - self.west) * self.squeeze * self.scale, (self.north - lat) * self.scale)


def path_data(rings: list[list[Point]]) -> str:
    """SVG path data of projected rings: whole units, relative moves, no repeated points."""
    parts = []
    for ring in rings:
        points: list[tuple[int, int]] = []
        for x, y in ring:
            p = (round(x), round(y))
            if not points or p != points[-1]:
                points.append(p)
        if len(points) > 1 and points[-1] == points[0]:
            points.pop()
        if len(points) < 3:
            continue
        text = [f"M{points[0][0]} {points[0][1]}l"]
        for (ax, ay), (bx, by) in pairwise(points):
            for value in (bx - ax, by - ay):
                if value >= 0 and text[-1][-1] != "l":
                    text.append(" ")
                text.append(str(value))
        text.append("z")
        parts.append("".join(text))
    return "".join(parts)


def _area_shape(rings: list[list[Point]]) -> list[list[Point]]:
    """The rings worth drawing, simplified: the largest always, others if not specks."""
    largest = max(rings, key=ring_area)
    shaped = []
    for ring in rings:
        if ring is not largest and ring_area(ring) < MIN_RING_AREA:
            continue
        simple = simplify(ring, TOLERANCE)
        if len(simple) < 4:  # a small area keeps its shape rather than collapse to a line
            simple = simplify(ring, TOLERANCE / 8)
        shaped.append(simple)
    return shaped


def build_layer(name: str, rows: list[dict[str, str]]) -> Layer:
    """A layer from rows of ``area``, ``wkt``, and optionally ``point``, ``sv``, ``en``."""
    shapes = {row["area"]: parse_rings(row["wkt"]) for row in rows}
    shapes = {iri: rings for iri, rings in shapes.items() if rings}
    coords = [p for rings in shapes.values() for ring in rings for p in ring]
    if not coords:
        return Layer(name, 1, 1, ())
    project = Projection(min(x for x, _ in coords), min(y for _, y in coords),
                         max(x for x, _ in coords), max(y for _, y in coords))
    areas = []
    for row in rows:
        iri = row["area"]
        if iri not in shapes:
            continue
        rings = _area_shape([[project(*p) for p in ring] for ring in shapes[iri]])
        xs = [x for ring in rings for x, _ in ring]
        ys = [y for ring in rings for _, y in ring]
        mark = None
        if max(xs) - min(xs) < MARK_BELOW and max(ys) - min(ys) < MARK_BELOW:
            point = parse_point(row.get("point", "")) if row.get("point") else None
            x, y = project(*point) if point else ((min(xs) + max(xs)) / 2,
                                                  (min(ys) + max(ys)) / 2)
            mark = (round(x), round(y))
        labels = {lang: row[lang] for lang in ("sv", "en") if row.get(lang)}
        areas.append(Area(iri=iri, labels=labels, d=path_data(rings), mark=mark))
    areas.sort(key=lambda a: a.iri)
    return Layer(name, project.width, project.height, tuple(areas))


_CACHE: dict[tuple[str, str], Layer] = {}


def layer(state: Segraph, name: str) -> Layer:
    """The layer ``name`` of the served graph, built on first use in this process."""
    key = (state.graph.version, name)
    if key not in _CACHE:
        query = (AREAS.replace("<CLASS>", f"<{LAYERS[name]}>")
                 .replace("<DEFAULT>", f"<{GEO.hasDefaultGeometry}>")
                 .replace("<AS_WKT>", f"<{GEO.asWKT}>")
                 .replace("<POINT>", f"<{SEG.representativePoint}>")
                 .replace("<LABEL>", f"<{SKOS.prefLabel}>"))
        job = QueryRequest(query=query, media_type="application/sparql-results+json")
        answer = state.runner.run(job, float(state.settings["query_timeout"]))
        rows = [{var: cell["value"] for var, cell in row.items()}
                for row in json.loads(answer.body)["results"]["bindings"]]
        _CACHE[key] = build_layer(name, rows)
    return _CACHE[key]


def drawing(base: Layer, lang: str, link: Callable[[str], str], marked: dict[str, str]) -> dict:
    """What the map template draws: every area of ``base`` (``link``: an IRI's link on this
    host), the ``marked`` ones (IRI -> CSS class) last so that their outline shows on top."""
    plain, on_top = [], []
    for area in base.areas:
        css = marked.get(area.iri, "")
        item = {"href": link(area.iri), "label": area.label(lang), "d": area.d,
                "class": css, "mark": area.mark if css else None}
        (on_top if css else plain).append(item)
    return {"width": base.width, "height": base.height, "areas": plain + on_top,
            "marked": len(on_top)}
