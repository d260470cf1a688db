/* segraph editor: two YASR result views of our own.
 *
 * "chart": counts by category as bars, values over years as lines (Chart.js). It picks a label
 *   column, an optional series column and a numeric value column; the reader can change each.
 * "map": geometries from geo:wktLiteral values drawn as SVG over the outlines of the
 *   municipalities (from /editor/municipalities.json); no map library, no tiles, no internet.
 */
(function () {
  "use strict";

  const Yasr = window.Yasgui && window.Yasgui.Yasr;
  if (!Yasr) return;

  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const WKT = "http://www.opengis.net/ont/geosparql#wktLiteral";
  const NUMERIC = new Set([
    "integer", "decimal", "double", "float", "int", "long", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
  ].map((t) => XSD + t));
  const PALETTE = ["#1f6f8b", "#e07a1f", "#3a9d5d", "#c0392b", "#7d5ba6", "#b8860b",
                   "#2c7fb8", "#d95f8e", "#6b8e23", "#8c564b", "#17becf", "#7f7f7f"];
  const MAX_SERIES = 12;

  const t = (key, values) => (window.SegraphEditor ? window.SegraphEditor.t(key, values) : key);
  const config = () => (window.SegraphEditor ? window.SegraphEditor.config : {urls: {}});

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    }
    children.forEach((c) => node.append(c));
    return node;
  }

  function icon(pathData) {
    const span = el("span", {class: "seg-plugin-icon"});
    span.innerHTML = '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">' +
      `<path fill="currentColor" d="${pathData}"/></svg>`;
    return span;
  }

  /* The SELECT results as {vars, rows}, or null when there are none (ASK, CONSTRUCT, error). */
  function resultTable(yasr) {
    const results = yasr.results;
    if (!results || results.hasError() || results.getType() !== "json") return null;
    const json = results.getAsJson();
    if (!json || !json.head || !json.results) return null;
    return {vars: json.head.vars || [], rows: json.results.bindings || []};
  }

  function profile(vars, rows) {
    return vars.map((name) => {
      let n = 0, numeric = 0, lang = 0, year = 0, gYear = 0, wkt = 0;
      const distinct = new Set();
      for (const row of rows) {
        const b = row[name];
        if (!b) continue;
        n += 1;
        if (distinct.size <= MAX_SERIES + 1) distinct.add(b.value);
        if (b.datatype === WKT) wkt += 1;
        if (b["xml:lang"]) lang += 1;
        if (NUMERIC.has(b.datatype) && b.value !== "" && isFinite(Number(b.value))) numeric += 1;
        if (b.datatype === XSD + "gYear") gYear += 1;
        if (/^\d{4}$/.test(b.value) && Number(b.value) >= 1800 && Number(b.value) <= 2200) {
          year += 1;
        }
      }
      const isYear = n > 0 && year === n && (gYear === n || /year|år/i.test(name));
      return {
        name, n, lang: lang > 0, wkt: wkt > 0, year: isYear, distinct: distinct.size,
        numeric: n > 0 && numeric === n && !isYear,
      };
    });
  }

  function shorten(iri, prefixes) {
    let best = null;
    for (const [p, ns] of Object.entries(prefixes || {})) {
      if (iri.startsWith(ns) && (!best || ns.length > best[1].length)) best = [p, ns];
    }
    return best ? `${best[0]}:${iri.slice(best[1].length)}` : iri;
  }

  function text(binding, prefixes) {
    if (!binding) return "–";
    return binding.type === "uri" ? shorten(binding.value, prefixes) : binding.value;
  }

  /* ------------------------------------------------------------------ chart ------------ */

  function chartDefaults(cols) {
    const measures = cols.filter((c) => c.numeric);
    const labels = cols.filter((c) => !c.numeric && !c.wkt);
    if (!measures.length) return null;
    const yearCol = cols.find((c) => c.year);
    let x = yearCol || labels.find((c) => c.lang) || labels[0];
    if (!x && measures.length > 1) x = measures[0];
    if (!x) return null;
    let series = null;
    if (x.year) {
      const others = labels.filter((c) => c !== x && c.distinct <= MAX_SERIES);
      series = (others.find((c) => c.lang) || others[0] || {}).name || null;
    }
    const value = measures.find((c) => c !== x) || null;
    if (!value) return null;
    return {x: x.name, series, value: value.name};
  }

  class ChartPlugin {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 4;
      this.label = t("chart");
      this.chart = null;
    }

    canHandleResults() {
      if (!window.Chart) return false;
      const table = resultTable(this.yasr);
      return !!table && table.rows.length > 0 && !!chartDefaults(profile(table.vars, table.rows));
    }

    getIcon() {
      return icon("M4 20h16v-2H4zm1-4h3V9H5zm5 0h3V4h-3zm5 0h3v-5h-3z");
    }

    destroy() {
      if (this.chart) this.chart.destroy();
      this.chart = null;
    }

    draw(persisted) {
      this.label = t("chart");
      const table = resultTable(this.yasr);
      const cols = profile(table.vars, table.rows);
      const defaults = chartDefaults(cols);
      const names = new Set(cols.map((c) => c.name));
      const chosen = Object.assign({}, defaults);
      for (const key of ["x", "series", "value"]) {
        if (persisted && persisted[key] !== undefined &&
            (persisted[key] === null || names.has(persisted[key]))) chosen[key] = persisted[key];
      }
      if (!cols.find((c) => c.name === chosen.value && c.numeric)) chosen.value = defaults.value;

      const root = el("div", {class: "seg-chart"});
      const controls = el("form", {class: "seg-plugin-controls"});
      const select = (key, label, options, allowNone) => {
        const s = el("select", {name: key});
        if (allowNone) s.append(el("option", {value: "", text: t("none")}));
        options.forEach((c) => s.append(el("option", {value: c.name, text: "?" + c.name})));
        s.value = chosen[key] || "";
        s.addEventListener("change", () => {
          chosen[key] = s.value || null;
          this.yasr.storePluginConfig("chart", Object.assign({}, chosen));
        });
        controls.append(el("label", {}, el("span", {text: label}), s));
      };
      select("x", t("chartLabel"), cols.filter((c) => !c.wkt), false);
      select("series", t("chartSeries"),
             cols.filter((c) => !c.numeric && !c.wkt && c.name !== chosen.x), true);
      select("value", t("chartValue"), cols.filter((c) => c.numeric), false);
      const box = el("div", {class: "seg-chart-box"});
      const canvas = el("canvas", {role: "img", "aria-label": t("chart")});
      box.append(canvas);
      const note = el("p", {class: "seg-plugin-note"});
      root.append(controls, box, note);
      this.yasr.resultsEl.append(root);
      this.render(table, cols, chosen, canvas, box, note);
    }

    render(table, cols, chosen, canvas, box, note) {
      const prefixes = this.yasr.getPrefixes();
      const xCol = cols.find((c) => c.name === chosen.x);
      const isYear = !!(xCol && (xCol.year || (xCol.numeric && /year|år/i.test(xCol.name))));
      const xs = [];
      const seriesNames = [];
      const sums = new Map();
      for (const row of table.rows) {
        const v = row[chosen.value];
        if (!v || !isFinite(Number(v.value))) continue;
        const x = text(row[chosen.x], prefixes);
        const s = chosen.series ? text(row[chosen.series], prefixes) : "";
        if (!sums.has(x)) { sums.set(x, new Map()); xs.push(x); }
        if (!seriesNames.includes(s)) seriesNames.push(s);
        const cell = sums.get(x);
        cell.set(s, (cell.get(s) || 0) + Number(v.value));
      }
      if (isYear) xs.sort((a, b) => Number(a) - Number(b));
      const shown = seriesNames.slice(0, MAX_SERIES);
      note.textContent = seriesNames.length > MAX_SERIES
        ? t("chartTooManySeries", {n: MAX_SERIES, total: seriesNames.length}) : "";
      const datasets = shown.map((s, i) => ({
        label: chosen.series ? s : "?" + chosen.value,
        data: xs.map((x) => (sums.get(x).has(s) ? sums.get(x).get(s) : null)),
        backgroundColor: PALETTE[i % PALETTE.length] + (isYear ? "33" : "cc"),
        borderColor: PALETTE[i % PALETTE.length],
        borderWidth: isYear ? 2 : 1,
        pointRadius: 3,
        spanGaps: true,
        tension: 0,
      }));
      const horizontal = !isYear && (xs.length > 12 || xs.some((x) => x.length > 24));
      box.style.height = horizontal ? `${Math.max(320, 26 * xs.length + 80)}px` : "420px";
      if (this.chart) this.chart.destroy();
      this.chart = new window.Chart(canvas, {
        type: isYear ? "line" : "bar",
        data: {labels: xs, datasets},
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          indexAxis: horizontal ? "y" : "x",
          plugins: {
            legend: {display: datasets.length > 1 || !!chosen.series},
            title: {display: true, text: `?${chosen.value} / ?${chosen.x}` +
                    (chosen.series ? ` / ?${chosen.series}` : "")},
          },
          scales: horizontal
            ? {x: {beginAtZero: true}, y: {ticks: {autoSkip: false}}}
            : {y: {beginAtZero: !isYear}, x: {ticks: {autoSkip: isYear}}},
        },
      });
    }

    download(filename) {
      if (!this.chart) return undefined;
      return {
        contentType: "image/png",
        getData: () => this.chart.toBase64Image(),
        filename: (filename || "chart") + ".png",
        title: t("downloadChart"),
      };
    }
  }

  /* ------------------------------------------------------------------ map -------------- */

  let baseLayer = null;  // a promise of the municipality outlines, fetched once per page

  function municipalities() {
    const url = config().urls && config().urls.municipalities;
    if (!url) return Promise.resolve(null);
    if (!baseLayer) {
      baseLayer = fetch(url, {headers: {Accept: "application/json"}})
        .then((r) => (r.ok ? r.json() : null))
        .then((data) => (data ? data.features.map((f) => {
          try {
            return {name: f.name, parts: SegraphWKT.parts(SegraphWKT.parse(f.wkt))};
          } catch (e) {
            return null;
          }
        }).filter(Boolean) : null))
        .catch(() => null);
    }
    return baseLayer;
  }

  const escapeXml = (s) => String(s).replace(/[&<>"]/g,
    (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));

  function ramp(f) {
    const a = [222, 235, 247], b = [8, 69, 148];
    const c = a.map((v, i) => Math.round(v + (b[i] - v) * Math.max(0, Math.min(1, f))));
    return `rgb(${c[0]},${c[1]},${c[2]})`;
  }

  /* In the SVG itself, so that a downloaded map looks the same. */
  const MAP_STYLE = [
    ".seg-map-sea{fill:#eef3f6}",
    ".seg-map-base path{fill:#fbfaf5;stroke:#b5b0a3;stroke-width:.5px;" +
      "vector-effect:non-scaling-stroke}",
    ".seg-map-base path:hover{fill:#f1ede0}",
    ".seg-area{fill:#e07a1f;fill-opacity:.75;stroke:#7a3e0c;stroke-width:.8px;" +
      "vector-effect:non-scaling-stroke}",
    ".seg-line{fill:none;stroke:#c0392b;stroke-width:2px;vector-effect:non-scaling-stroke}",
    ".seg-point{fill:#c0392b;fill-opacity:.85;stroke:#fff;stroke-width:1px;" +
      "vector-effect:non-scaling-stroke}",
    ".seg-area:hover,.seg-point:hover{stroke:#111;stroke-width:2px}",
  ].join("");

  class MapPlugin {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 3;
      this.label = t("map");
      this.svg = null;
    }

    canHandleResults() {
      if (!window.SegraphWKT) return false;
      const table = resultTable(this.yasr);
      return !!table && table.rows.some((row) => table.vars.some(
        (v) => row[v] && row[v].datatype === WKT));
    }

    getIcon() {
      return icon("M15 5.1 9 3 3 5v16l6-2.1 6 2.1 6-2V3zM10 5.5l4 1.4v11.6l-4-1.4z");
    }

    destroy() {
      this.svg = null;
    }

    async draw(persisted) {
      this.label = t("map");
      const table = resultTable(this.yasr);
      const cols = profile(table.vars, table.rows);
      const prefixes = this.yasr.getPrefixes();
      const geomVars = cols.filter((c) => c.wkt).map((c) => c.name);
      const infoVars = cols.filter((c) => !c.wkt).map((c) => c.name);
      const numeric = cols.filter((c) => c.numeric).map((c) => c.name);
      let colourBy = persisted && numeric.includes(persisted.colourBy) ? persisted.colourBy : "";

      const features = [];
      let bad = 0;
      for (const row of table.rows) {
        const title = infoVars.filter((v) => row[v])
          .map((v) => `${v}: ${text(row[v], prefixes)}`).join("\n");
        for (const v of geomVars) {
          const b = row[v];
          if (!b || b.datatype !== WKT) continue;
          try {
            features.push({parts: SegraphWKT.parts(SegraphWKT.parse(b.value)), title, row});
          } catch (e) {
            bad += 1;
          }
        }
      }

      const root = el("div", {class: "seg-map"});
      const controls = el("form", {class: "seg-plugin-controls"});
      if (numeric.length) {
        const s = el("select", {name: "colourBy"});
        s.append(el("option", {value: "", text: t("none")}));
        numeric.forEach((n) => s.append(el("option", {value: n, text: "?" + n})));
        s.value = colourBy;
        s.addEventListener("change", () => {
          this.yasr.storePluginConfig("map", {colourBy: s.value});
        });
        controls.append(el("label", {}, el("span", {text: t("mapColour")}), s));
      }
      const count = el("span", {class: "seg-plugin-note",
                                text: t("mapCount", {n: features.length}) +
                                      (bad ? " · " + t("mapBad", {n: bad}) : "")});
      controls.append(count);
      const holder = el("div", {class: "seg-map-box"});
      const legend = el("div", {class: "seg-map-legend"});
      root.append(controls, holder, legend);
      this.yasr.resultsEl.append(root);

      const base = await municipalities();
      let bounds = null;
      let baseBounds = null;
      features.forEach((f) => { bounds = SegraphWKT.boundsOf(f.parts, bounds); });
      if (base) base.forEach((f) => { baseBounds = SegraphWKT.boundsOf(f.parts, baseBounds); });
      const area = (b) => (b ? (b[2] - b[0]) * (b[3] - b[1]) : 0);
      if (!bounds || (baseBounds && area(bounds) > 0.2 * area(baseBounds))) {
        // Results spread over much of the country: show all of it.
        [baseBounds, bounds].forEach((b) => {
          if (b) bounds = SegraphWKT.boundsOf({points: [[b[0], b[1]], [b[2], b[3]]],
                                               lines: [], polygons: []}, bounds);
        });
      }
      if (!bounds) bounds = [10.5, 55, 24.5, 69.5];  // Sweden
      const cx = (bounds[0] + bounds[2]) / 2, cy = (bounds[1] + bounds[3]) / 2;
      const w = Math.max(bounds[2] - bounds[0], 2), h = Math.max(bounds[3] - bounds[1], 1);
      bounds = [cx - w * 0.53, cy - h * 0.53, cx + w * 0.53, cy + h * 0.53];
      const {project, viewBox} = SegraphWKT.projection(bounds);
      const r = Math.max(viewBox[2], viewBox[3]) * 0.007;

      let lo = Infinity, hi = -Infinity;
      if (colourBy) {
        features.forEach((f) => {
          const b = f.row[colourBy];
          if (b && isFinite(Number(b.value))) {
            lo = Math.min(lo, Number(b.value));
            hi = Math.max(hi, Number(b.value));
          }
        });
      }
      const fill = (f) => {
        if (!colourBy) return null;
        const b = f.row[colourBy];
        if (!b || !isFinite(Number(b.value))) return "#cccccc";
        return ramp(hi > lo ? (Number(b.value) - lo) / (hi - lo) : 1);
      };

      const out = [`<svg xmlns="http://www.w3.org/2000/svg" class="seg-map-svg" role="img" ` +
        `aria-label="${escapeXml(t("map"))}" viewBox="${viewBox.join(" ")}" ` +
        `preserveAspectRatio="xMidYMid meet">`];
      out.push(`<style>${MAP_STYLE}</style>`);
      out.push(`<rect class="seg-map-sea" x="${viewBox[0]}" y="${viewBox[1]}" ` +
               `width="${viewBox[2]}" height="${viewBox[3]}"/>`);
      if (base) {
        out.push('<g class="seg-map-base">');
        for (const f of base) {
          const d = SegraphWKT.pathData(f.parts, project);
          out.push(`<path d="${d.area}" fill-rule="evenodd"><title>${escapeXml(f.name || "")}` +
                   "</title></path>");
        }
        out.push("</g>");
      }
      out.push('<g class="seg-map-results">');
      for (const f of features) {
        const d = SegraphWKT.pathData(f.parts, project);
        const colour = fill(f);
        const style = colour ? ` style="fill:${colour}"` : "";
        const title = `<title>${escapeXml(f.title)}</title>`;
        if (d.area) {
          out.push(`<path class="seg-area" d="${d.area}" fill-rule="evenodd"${style}>${title}` +
                   "</path>");
        }
        if (d.line) out.push(`<path class="seg-line" d="${d.line}">${title}</path>`);
        for (const p of f.parts.points) {
          const [x, y] = project(p);
          out.push(`<circle class="seg-point" cx="${x}" cy="${y}" r="${r}"${style}>${title}` +
                   "</circle>");
        }
      }
      out.push("</g></svg>");
      holder.innerHTML = out.join("");
      this.svg = holder.firstElementChild;
      if (colourBy && isFinite(lo)) {
        legend.innerHTML = `<span>${escapeXml(lo.toLocaleString())}</span>` +
          `<span class="seg-ramp" style="background:linear-gradient(to right,${ramp(0)},` +
          `${ramp(1)})"></span><span>${escapeXml(hi.toLocaleString())}</span>` +
          `<span class="seg-plugin-note">?${escapeXml(colourBy)}</span>`;
      }
      if (!base) legend.append(el("span", {class: "seg-plugin-note", text: t("mapNoBase")}));
    }

    download(filename) {
      if (!this.svg) return undefined;
      const svg = this.svg;
      return {
        contentType: "image/svg+xml",
        getData: () => svg.outerHTML,
        filename: (filename || "map") + ".svg",
        title: t("downloadMap"),
      };
    }
  }

  Yasr.registerPlugin("chart", ChartPlugin);
  Yasr.registerPlugin("map", MapPlugin);
  Yasr.defaults.pluginOrder = ["table", "chart", "map", "response"];
})();
