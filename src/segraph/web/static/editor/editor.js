/* segraph editor: YASGUI pointed at this server's /sparql, with the saved queries as tabs,
 * autocompletion from the graph's own ontology (no outside vocabulary service), a Swedish/English
 * interface, and a marker when the server cut the answer at its row limit.
 */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("seg-config").textContent);

  const STRINGS = {
    sv: {
      subtitle: "SPARQL-frågor mot kunskapsgrafen om den sociala ekonomin",
      savedQueries: "Sparade frågor",
      savedHint: "Varje fråga öppnas i en egen flik; kör den med ▶ eller Ctrl+Enter.",
      newTab: "Ny fråga",
      endpoint: "Ändpunkt",
      limits: "Högst {rows} rader per svar och {seconds} s per fråga.",
      tips: "Ctrl+Mellanslag föreslår grafens klasser, egenskaper och prefix.",
      truncated: "Resultatet är avkortat: svaret kapades vid {n} rader (serverns gräns). " +
        "Använd LIMIT/OFFSET eller smalna av frågan för att se resten.",
      table: "Tabell",
      response: "Svar",
      chart: "Diagram",
      map: "Karta",
      chartLabel: "Etikett",
      chartSeries: "Serie",
      chartValue: "Värde",
      chartTooManySeries: "Visar de första {n} av {total} serierna.",
      none: "(ingen)",
      mapColour: "Färg efter",
      mapCount: "{n} geometrier",
      mapBad: "{n} gick inte att läsa",
      mapNoBase: "Kommungränserna kunde inte hämtas.",
      downloadChart: "Ladda ned diagrammet (PNG)",
      downloadMap: "Ladda ned kartan (SVG)",
      loadFailed: "Frågeredigeraren kunde inte laddas: dess JavaScript-bibliotek saknas på " +
        "servern (kör `npm ci` i projektkatalogen). Formuläret nedan fungerar ändå.",
      open: "Öppna i en flik",
      params: "Parametrar: {params}.",
      paramsForm: "Formulär",
      savedCount: "{shown} av {total}",
      filter: "Sök bland frågorna",
    },
    en: {
      subtitle: "SPARQL queries on the knowledge graph of the social economy",
      savedQueries: "Saved queries",
      savedHint: "Each query opens in its own tab; run it with ▶ or Ctrl+Enter.",
      newTab: "New query",
      endpoint: "Endpoint",
      limits: "At most {rows} rows per answer and {seconds} s per query.",
      tips: "Ctrl+Space suggests the graph's classes, properties and prefixes.",
      truncated: "The result was cut at {n} rows (the server's limit). Use LIMIT/OFFSET or " +
        "narrow the query to see the rest.",
      table: "Table",
      response: "Response",
      chart: "Chart",
      map: "Map",
      chartLabel: "Label",
      chartSeries: "Series",
      chartValue: "Value",
      chartTooManySeries: "Showing the first {n} of {total} series.",
      none: "(none)",
      mapColour: "Colour by",
      mapCount: "{n} geometries",
      mapBad: "{n} could not be read",
      mapNoBase: "The municipality outlines could not be loaded.",
      downloadChart: "Download the chart (PNG)",
      downloadMap: "Download the map (SVG)",
      loadFailed: "The query editor could not load: its JavaScript libraries are missing on " +
        "the server (run `npm ci` in the project directory). The form below still works.",
      open: "Open in a tab",
      params: "Parameters: {params}.",
      paramsForm: "Form",
      savedCount: "{shown} of {total}",
      filter: "Search the queries",
    },
  };

  const LANG_KEY = "segraph-editor-lang";
  const SAVED_KEY = "segraph-editor-saved";

  /* The site keeps a language chosen on any page in a cookie (segraph.web.language); the
     editor's own switch sets it too, so the choice holds on the other pages. */
  function keptLanguage() {
    const prefix = config.langCookie + "=";
    const kept = document.cookie.split("; ").find((c) => c.startsWith(prefix));
    return kept ? kept.slice(prefix.length) : null;
  }

  function initialLanguage() {
    const asked = new URLSearchParams(location.search).get("lang");
    if (asked && STRINGS[asked]) return asked;
    const kept = keptLanguage();
    if (kept && STRINGS[kept]) return kept;
    try {
      const stored = localStorage.getItem(LANG_KEY);
      if (stored && STRINGS[stored]) return stored;
    } catch (e) { /* storage may be disabled */ }
    return STRINGS[config.lang] ? config.lang : "sv";
  }

  let lang = initialLanguage();

  function t(key, values) {
    const s = (STRINGS[lang] && STRINGS[lang][key]) || STRINGS.en[key] || key;
    return s.replace(/\{(\w+)\}/g, (m, k) => (values && k in values ? values[k] : m));
  }

  const pick = (map) => (map && (map[lang] || map.sv || map.en || Object.values(map)[0])) || "";

  window.SegraphEditor = {config, t, get lang() { return lang; }};

  /* ------------------------------------------------------------ static texts ---------- */

  function applyTexts() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach((node) => {
      node.textContent = t(node.dataset.i18n, {
        rows: config.maxRows.toLocaleString(lang === "sv" ? "sv-SE" : "en-GB"),
        seconds: config.queryTimeout,
      });
    });
    document.querySelectorAll("[data-i18n-placeholder]").forEach((node) => {
      node.placeholder = t(node.dataset.i18nPlaceholder);
      node.setAttribute("aria-label", t(node.dataset.i18nPlaceholder));
    });
    document.querySelectorAll("[data-lang]").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
    });
    for (const name of ["table", "chart", "map", "response"]) {  // the YASR views' buttons
      document.querySelectorAll(`.yasr .select_${name} > span:not(.plugin_icon)`)
        .forEach((s) => { s.textContent = t(name); });
    }
  }

  const Yasgui = window.Yasgui;
  if (!Yasgui) {
    applyTexts();
    const status = document.getElementById("seg-status");
    status.textContent = t("loadFailed");
    status.hidden = false;
    document.getElementById("seg-fallback").hidden = false;
    return;
  }
  const Yasqe = Yasgui.Yasqe;

  /* ------------------------------------------------------------ autocompletion -------- */
  /* The default completers use a bundled list of public prefixes and a web service; ours know
   * only this graph: its prefixes and the classes and properties of its ontology graph. */

  let vocabulary = null;
  function loadVocabulary() {
    if (!vocabulary) {
      vocabulary = fetch(config.urls.vocabulary, {headers: {Accept: "application/json"}})
        .then((r) => (r.ok ? r.json() : {classes: [], properties: []}))
        .catch(() => ({classes: [], properties: []}));
    }
    return vocabulary;
  }

  const prefixLines = Object.entries(config.prefixes).map(([p, ns]) => `${p}: <${ns}>`).sort();

  function matchTerms(terms, token) {
    const typed = (token.autocompletionString || token.string || "").trim();
    const ns = token.tokenPrefixUri;
    const local = ns && typed.startsWith(ns) ? typed.slice(ns.length).toLowerCase() : null;
    const needle = typed.toLowerCase();
    const scored = [];
    for (const term of terms) {
      let score = -1;
      if (local !== null) {
        if (!term.iri.startsWith(ns)) continue;
        const name = term.iri.slice(ns.length).toLowerCase();
        if (name.startsWith(local)) score = 0;
        else if (name.includes(local)) score = 1;
      } else if (!needle || term.iri.toLowerCase().startsWith(needle) ||
                 (term.curie || "").toLowerCase().startsWith(needle)) {
        score = 0;
      } else if ((term.curie || term.iri).toLowerCase().includes(needle) ||
                 Object.values(term.label || {}).some((l) => l.toLowerCase().includes(needle))) {
        score = 1;
      }
      if (score >= 0) scored.push([score, term.iri]);
    }
    scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
    return scored.map((s) => s[1]);
  }

  function labelHints(kind) {
    return (yasqe, hints) => {
      const terms = vocabularyIndex[kind];
      return hints.map((hint) => {
        const term = terms.get(hint.text);
        const label = term ? pick(term.label) : "";
        return label ? Object.assign({}, hint, {displayText: `${hint.text}  —  ${label}`}) : hint;
      });
    };
  }

  const vocabularyIndex = {class: new Map(), property: new Map()};
  loadVocabulary().then((v) => {
    for (const [kind, list] of [["class", v.classes || []], ["property", v.properties || []]]) {
      for (const term of list) {
        vocabularyIndex[kind].set(`<${term.iri}>`, term);
        if (term.curie) vocabularyIndex[kind].set(term.curie, term);
      }
    }
  });

  Yasqe.forkAutocompleter("prefixes", {
    name: "segPrefixes",
    bulk: false,
    persistenceId: null,
    get: (yasqe, token) => {
      if (!token) return prefixLines;
      const typed = token.autocompletionString || token.string || "";
      return prefixLines.filter((line) => line.startsWith(typed.trim()));
    },
  }, false);
  Yasqe.forkAutocompleter("class", {
    name: "segClasses",
    autoShow: true,
    get: (yasqe, token) => loadVocabulary().then((v) => matchTerms(v.classes || [], token || {})),
    postprocessHints: labelHints("class"),
  }, false);
  Yasqe.forkAutocompleter("property", {
    name: "segProperties",
    autoShow: true,
    get: (yasqe, token) => loadVocabulary().then(
      (v) => matchTerms(v.properties || [], token || {})),
    postprocessHints: labelHints("property"),
  }, false);
  // Only ours (and the variable names of the query itself): nothing leaves this server.
  Yasqe.defaults.autocompleters.splice(0, Yasqe.defaults.autocompleters.length,
                                       "variables", "segPrefixes", "segClasses", "segProperties");

  /* ------------------------------------------------------------ YASGUI --------------- */

  const endpoint = new URL(config.endpoint, location.href).href;

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    persistenceId: "segraph",
    autoAddOnInit: false,
    tabName: t("newTab"),
    copyEndpointOnNewTab: false,
    requestConfig: {endpoint, method: "POST"},
    endpointCatalogueOptions: {getData: () => [{endpoint}], keys: []},
    yasqe: {value: config.newQuery, collapsePrefixesOnLoad: true, editorHeight: "320px"},
    yasr: {prefixes: config.prefixes, pluginOrder: ["table", "chart", "map", "response"]},
  });
  window.segraphYasgui = yasgui;

  function readSaved() {
    try {
      return JSON.parse(localStorage.getItem(SAVED_KEY) || "{}") || {};
    } catch (e) {
      return {};
    }
  }

  function writeSaved(saved) {
    try {
      localStorage.setItem(SAVED_KEY, JSON.stringify(saved));
    } catch (e) { /* storage may be full or disabled */ }
  }

  function markTab(tab, query) {
    const item = yasgui.tabElements.get(tab.getId());
    if (item && item.tabEl) {
      item.tabEl.dataset.savedQuery = query.name;
      item.tabEl.title = pick(query.description) || pick(query.title);
    }
  }

  /* The saved queries are offered as a list that opens each in its own tab, named in the
   * chosen language (there are too many to open them all as tabs). An open tab whose text the
   * reader did not change follows the file when the file changes. */
  function syncSavedTabs() {
    const saved = readSaved();
    for (const query of config.queries) {
      const record = saved[query.name];
      const tab = record && yasgui.getTab(record.tab);
      if (!tab) {
        delete saved[query.name];
        continue;
      }
      if (tab.getName() !== pick(query.title)) tab.setName(pick(query.title));
      const json = tab.getPersistedJson();
      if (json.yasqe.value === record.text && record.text !== query.text) {
        if (tab.getYasqe()) tab.setQuery(query.text);
        else json.yasqe.value = query.text;
      }
      record.text = query.text;
      markTab(tab, query);
    }
    writeSaved(saved);
  }

  function openSaved(query) {
    const saved = readSaved();
    const record = saved[query.name];
    let tab = record && yasgui.getTab(record.tab);
    if (!tab) {
      tab = yasgui.addTab(true, {name: pick(query.title), yasqe: {value: query.text}});
      saved[query.name] = {tab: tab.getId(), text: query.text};
      writeSaved(saved);
    }
    markTab(tab, query);
    yasgui.selectTabId(tab.getId());
    hookTab(tab);
    return tab;
  }

  if (yasgui.persistentConfig.getTabs().length === 0) {
    yasgui.addTab(true, {name: t("newTab"), yasqe: {value: config.newQuery}});
  }
  syncSavedTabs();
  if (!yasgui.getTab()) yasgui.selectTabId(yasgui.persistentConfig.getTabs()[0]);
  // Tabs restored from an earlier visit keep asking this server, even on another port.
  for (const id of yasgui.persistentConfig.getTabs()) {
    const tab = yasgui.getTab(id);
    const old = tab && tab.getEndpoint();
    if (old && old !== endpoint && new URL(old, location.href).pathname === config.endpoint) {
      tab.setEndpoint(endpoint);
    }
  }

  /* ------------------------------------------------------------ saved-query list ------ */

  function paramText(query) {
    return (query.params || []).map((p) => `?${p.name} = ${p.default === "" ? '""' : p.default}`)
      .join(", ");
  }

  function drawSavedList() {
    const list = document.getElementById("seg-saved");
    const filter = (document.getElementById("seg-filter").value || "").trim().toLowerCase();
    list.replaceChildren();
    let shown = 0;
    for (const query of config.queries) {
      const title = pick(query.title);
      const description = pick(query.description);
      const haystack = [query.name, title, description].join(" ").toLowerCase();
      if (filter && !haystack.includes(filter)) continue;
      shown += 1;
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "seg-saved-open";
      button.dataset.query = query.name;
      button.textContent = title;
      button.title = t("open");
      button.addEventListener("click", () => openSaved(query));
      item.append(button);
      if (description) {
        const p = document.createElement("p");
        p.className = "seg-saved-description";
        p.textContent = description;
        p.title = description;
        item.append(p);
      }
      if (query.params && query.params.length) {
        const p = document.createElement("p");
        p.className = "seg-saved-params";
        p.append(t("params", {params: paramText(query)}) + " ");
        if (query.page) {
          const a = document.createElement("a");
          a.href = query.page + (query.page.includes("?") ? "&" : "?") + "lang=" + lang;
          a.textContent = t("paramsForm");
          p.append(a);
        }
        item.append(p);
      }
      list.append(item);
    }
    document.getElementById("seg-saved-count").textContent =
      t("savedCount", {shown, total: config.queries.length});
  }

  document.getElementById("seg-filter").addEventListener("input", () => drawSavedList());

  /* ------------------------------------------------------------ truncation marker ----- */

  const hooked = new WeakSet();
  const banners = new WeakMap();  // tab -> {n} of its last truncated answer

  function showBanner(tab) {
    const panel = tab.rootEl;
    if (!panel) return;
    let banner = panel.querySelector(":scope > .seg-truncated");
    const info = banners.get(tab);
    if (!info) {
      if (banner) banner.remove();
      return;
    }
    if (!banner) {
      banner = document.createElement("div");
      banner.className = "seg-truncated";
      banner.setAttribute("role", "status");
      panel.insertBefore(banner, tab.yasrWrapperEl || null);
    }
    banner.textContent = "⚠ " + t("truncated", {n: info.n.toLocaleString(
      lang === "sv" ? "sv-SE" : "en-GB")});
  }

  function hookTab(tab) {
    const yasqe = tab.getYasqe();
    if (!yasqe || hooked.has(yasqe)) return;
    hooked.add(yasqe);
    yasqe.on("queryResponse", (instance, response) => {
      const headers = response && response.headers;
      const cut = headers && typeof headers.get === "function" &&
        headers.get("X-Result-Truncated");
      if (cut) {
        const match = /(\d+)\s*rows/.exec(cut);
        const n = match ? Number(match[1])
          : Number(headers.get("X-Result-Rows")) || config.maxRows;
        banners.set(tab, {n});
      } else {
        banners.delete(tab);
      }
      showBanner(tab);
    });
  }

  yasgui.on("queryBefore", (instance, tab) => hookTab(tab));
  yasgui.on("tabSelect", () => {
    const tab = yasgui.getTab();
    if (tab) hookTab(tab);
    applyTexts();
  });
  yasgui.on("tabAdd", () => setTimeout(applyTexts));  // after the new tab has drawn
  const current = yasgui.getTab();
  if (current) hookTab(current);

  /* ------------------------------------------------------------ language --------------- */

  function setLanguage(next) {
    if (!STRINGS[next] || next === lang) return;
    const oldName = t("newTab");
    lang = next;
    document.cookie = `${config.langCookie}=${lang}; path=/; max-age=31536000; samesite=lax`;
    try {
      localStorage.setItem(LANG_KEY, lang);
    } catch (e) { /* storage may be disabled */ }
    yasgui.config.tabName = t("newTab");
    applyTexts();
    drawSavedList();
    syncSavedTabs();
    for (const id of yasgui.persistentConfig.getTabs()) {
      const tab = yasgui.getTab(id);
      if (!tab) continue;
      const name = tab.getName() || "";
      if (name === oldName || name.startsWith(oldName + " ")) {
        tab.setName(t("newTab") + name.slice(oldName.length));
      }
      showBanner(tab);
    }
  }

  document.querySelectorAll("[data-lang]").forEach((button) => {
    button.addEventListener("click", () => setLanguage(button.dataset.lang));
  });

  applyTexts();
  drawSavedList();
  document.body.classList.add("seg-ready");
})();
