/* segraph editor: WKT (GeoSPARQL geo:wktLiteral) to SVG, with no map library and no tiles.
 *
 * parse(text) -> {type, coordinates} (GeoJSON-like, lon/lat) for POINT, LINESTRING, POLYGON,
 * their MULTI forms and GEOMETRYCOLLECTION (Z/M values are read and dropped; EMPTY is allowed).
 * A leading CRS IRI is honoured: EPSG:4326 is lat/lon and is swapped; CRS84 (the default) is
 * lon/lat. Projection: equirectangular, x scaled by cos(latitude of the map's middle).
 */
(function (global) {
  "use strict";

  const TOKEN = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[A-Za-z]+|[(),]/g;
  const TYPES = {
    POINT: "Point", LINESTRING: "LineString", POLYGON: "Polygon", MULTIPOINT: "MultiPoint",
    MULTILINESTRING: "MultiLineString", MULTIPOLYGON: "MultiPolygon",
    GEOMETRYCOLLECTION: "GeometryCollection",
  };

  function parse(text) {
    let source = String(text).trim();
    let swap = false;
    const crs = source.match(/^<([^>]*)>\s*/);
    if (crs) {
      source = source.slice(crs[0].length);
      swap = /EPSG\/0\/4326$|EPSG::4326$/i.test(crs[1]);
    }
    const tokens = source.match(TOKEN) || [];
    let at = 0;
    const peek = () => tokens[at];
    const next = () => {
      if (at >= tokens.length) throw new Error("WKT ended too early");
      return tokens[at++];
    };
    const expect = (t) => {
      const got = next();
      if (got !== t) throw new Error(`WKT: expected ${t}, found ${got}`);
    };
    const isNumber = (t) => t !== undefined && /^[-+.\d]/.test(t);
    function coord() {
      const values = [];
      while (isNumber(peek())) values.push(parseFloat(next()));
      if (values.length < 2) throw new Error("WKT: a coordinate needs two numbers");
      return swap ? [values[1], values[0]] : [values[0], values[1]];
    }
    function list(item) {
      expect("(");
      const out = [item()];
      while (peek() === ",") { next(); out.push(item()); }
      expect(")");
      return out;
    }
    const line = () => list(coord);
    const polygon = () => list(line);
    const multiPoint = () => {
      if (peek() === "(") { next(); const c = coord(); expect(")"); return c; }
      return coord();
    };
    function geometry() {
      const word = String(next()).toUpperCase();
      const type = TYPES[word];
      if (!type) throw new Error(`WKT: unknown geometry ${word}`);
      while (/^(Z|M|ZM)$/i.test(peek() || "")) next();
      if (/^EMPTY$/i.test(peek() || "")) {
        next();
        return type === "GeometryCollection" ? {type, geometries: []} : {type, coordinates: []};
      }
      switch (type) {
        case "Point": {
          expect("(");
          const c = coord();
          expect(")");
          return {type, coordinates: c};
        }
        case "LineString": return {type, coordinates: line()};
        case "Polygon": return {type, coordinates: polygon()};
        case "MultiPoint": return {type, coordinates: list(multiPoint)};
        case "MultiLineString": return {type, coordinates: list(line)};
        case "MultiPolygon": return {type, coordinates: list(polygon)};
        default: return {type, geometries: list(geometry)};
      }
    }
    const result = geometry();
    if (at !== tokens.length) throw new Error("WKT: unexpected text after the geometry");
    return result;
  }

  /* The geometry as flat parts: {points: [[x,y]], lines: [[[x,y]]], polygons: [[ring]]}. */
  function parts(geom, out) {
    out = out || {points: [], lines: [], polygons: []};
    const c = geom.coordinates;
    switch (geom.type) {
      case "Point": if (c.length) out.points.push(c); break;
      case "MultiPoint": out.points.push(...c); break;
      case "LineString": if (c.length) out.lines.push(c); break;
      case "MultiLineString": out.lines.push(...c); break;
      case "Polygon": if (c.length) out.polygons.push(c); break;
      case "MultiPolygon": out.polygons.push(...c); break;
      case "GeometryCollection": geom.geometries.forEach((g) => parts(g, out)); break;
      default: break;
    }
    return out;
  }

  function extend(bounds, lonlat) {
    const [x, y] = lonlat;
    if (!isFinite(x) || !isFinite(y)) return bounds;
    if (!bounds) return [x, y, x, y];
    return [Math.min(bounds[0], x), Math.min(bounds[1], y),
            Math.max(bounds[2], x), Math.max(bounds[3], y)];
  }

  function boundsOf(p, bounds) {
    p.points.forEach((c) => { bounds = extend(bounds, c); });
    p.lines.forEach((l) => l.forEach((c) => { bounds = extend(bounds, c); }));
    p.polygons.forEach((poly) => poly.forEach((r) => r.forEach((c) => {
      bounds = extend(bounds, c);
    })));
    return bounds;
  }

  /* A projection for bounds [minLon, minLat, maxLon, maxLat]: lon/lat -> SVG x/y. */
  function projection(bounds) {
    const k = Math.cos(((bounds[1] + bounds[3]) / 2) * Math.PI / 180) || 1;
    const project = ([lon, lat]) => [lon * k, -lat];
    const [x0, y0] = project([bounds[0], bounds[3]]);
    const [x1, y1] = project([bounds[2], bounds[1]]);
    return {project, viewBox: [x0, y0, Math.max(x1 - x0, 1e-6), Math.max(y1 - y0, 1e-6)]};
  }

  const fmt = (n) => (Math.round(n * 10000) / 10000).toString();

  function pathData(p, project) {
    const ring = (r, close) => r.map((c, i) => {
      const [x, y] = project(c);
      return (i ? "L" : "M") + fmt(x) + " " + fmt(y);
    }).join("") + (close ? "Z" : "");
    return {
      area: p.polygons.map((poly) => poly.map((r) => ring(r, true)).join("")).join(""),
      line: p.lines.map((l) => ring(l, false)).join(""),
    };
  }

  global.SegraphWKT = {parse, parts, boundsOf, projection, pathData};
})(typeof window !== "undefined" ? window : globalThis);
