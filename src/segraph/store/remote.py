"""A remote SPARQL 1.1 engine behind the Store interface (Oxigraph server, Virtuoso 7, …).

Queries and updates go through SPARQLWrapper; bulk loading uses the Graph Store Protocol (an
HTTP POST of N-Triples per named graph) when a graph store URL is configured, else ``INSERT
DATA`` in bounded chunks. Answers are parsed into pyoxigraph objects, so a
:class:`~segraph.store.base.QueryResult` from here is used exactly like an embedded one. Engine
differences are smoothed out in :mod:`segraph.store.quirks`.

The dataset is the engine's named graphs (engine system graphs left out). As in the embedded
store, the default graph of a query is their union unless ``union_default_graph=False`` or the
query has its own ``FROM``; this is done with the protocol's ``default-graph-uri`` and
``named-graph-uri`` parameters, which every engine understands in the same way.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from segraph.sparql_text import blank_out, names_dataset, query_form
from segraph.store.base import QueryResult
from segraph.store.embedded import _ntriples, to_oxigraph
from segraph.store.quirks import (
    CONCAT_UNSUPPORTED,
    TRANSITIVE_UNBOUND,
    ask_as_select,
    boolean_variables,
    expand_transitive_paths,
    fix_booleans,
    fix_json_results,
    fix_substituted,
    fix_term,
    is_system_graph,
    str_concat_arguments,
)

GSP_CHUNK = 50_000  # triples per Graph Store Protocol request
UPDATE_CHUNK = 5_000  # triples per INSERT DATA request
# A graph nothing is loaded into: the default graph when the union is not wanted (an engine
# such as Virtuoso would otherwise answer from the union of all its graphs).
EMPTY_GRAPH = "urn:x-segraph:empty-default-graph"


class RemoteError(RuntimeError):
    """The remote engine refused a request or could not be reached."""


class RemoteStore:
    """A SPARQL 1.1 Query/Update endpoint (and Graph Store Protocol, when given)."""

    def __init__(self, query_url: str, *, update_url: str | None = None,
                 graph_url: str | None = None, user: str | None = None,
                 password: str | None = None, timeout: float = 300.0) -> None:
        self.query_url = query_url
        self.update_url = update_url or None
        self.graph_url = graph_url or None
        self.user = user or None
        self.password = password or ""
        self.timeout = timeout
        self._graphs: list[str] | None = None
        self._auth: dict[str, tuple[str, str]] = {}  # url -> (scheme, realm) it asks for

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> RemoteStore | None:
        """The store the ``store_*`` settings name; ``None`` when ``store_url`` is empty."""
        if not settings.get("store_url"):
            return None
        return cls(settings["store_url"], update_url=settings.get("store_update_url"),
                   graph_url=settings.get("store_graph_url"), user=settings.get("store_user"),
                   password=settings.get("store_password"))

    @property
    def path(self) -> str:
        """Where the store is (for messages); the query URL."""
        return self.query_url

    # --- reading ---------------------------------------------------------------------------

    def query(self, sparql: str, *, union_default_graph: bool = True,
              substitutions: dict[str, ox.NamedNode | ox.Literal] | None = None,
              dataset: tuple[list[str], list[str]] | None = None) -> QueryResult:
        """Run a query; ``substitutions`` are sent as a ``VALUES`` block of serialised terms.
        ``dataset`` (default graphs, named graphs) is the Protocol's dataset: it replaces the
        query's own ``FROM``/``FROM NAMED`` as a whole, an empty part being empty."""
        form = query_form(sparql)
        if form is None:
            raise SyntaxError("no SELECT, ASK, CONSTRUCT or DESCRIBE in the query")
        bound = {}
        if substitutions:
            sparql = bind_values(sparql, substitutions, form)
            bound = {name: _json_term(term) for name, term in substitutions.items()}
        if dataset is not None:
            params = _dataset_params(*dataset)
        elif names_dataset(sparql):
            params = []
        else:
            graphs = self.graphs()
            params = _dataset_params(graphs if union_default_graph else [], graphs)
        return self._answer(sparql, form, params, bound)

    def _answer(self, sparql: str, form: str, dataset: list[tuple[str, str]],
                bound: dict[str, dict[str, str]] | None = None) -> QueryResult:
        graph_form = form in ("construct", "describe")
        as_select = ask_as_select(sparql) if form == "ask" else None
        if as_select is not None:  # an ASK is sent as SELECT … LIMIT 1 (quirks.ask_as_select)
            sparql, form = as_select, "ask-select"
        accept = ("application/n-triples, text/turtle;q=0.9" if graph_form
                  else "application/sparql-results+json")
        try:
            body, media_type = self._post(self.query_url, [("query", sparql), *dataset], accept)
        except RemoteError as exc:
            rewritten = _rewritten(sparql, str(exc))
            if rewritten is None:
                raise
            body, media_type = self._post(self.query_url, [("query", rewritten), *dataset],
                                          accept)
        if graph_form:
            return QueryResult("graph", _graph_answer(body, media_type))
        if form == "ask-select":
            rows = json.loads(body)["results"]["bindings"]
            return QueryResult("ask", ox.parse_query_results(
                json.dumps({"head": {}, "boolean": bool(rows)}).encode(),
                format=ox.QueryResultsFormat.JSON))
        data = fix_json_results(json.loads(body), ask=form == "ask")
        data = fix_substituted(fix_booleans(data, boolean_variables(sparql)), bound or {})
        results = ox.parse_query_results(json.dumps(data).encode(),
                                         format=ox.QueryResultsFormat.JSON)
        if isinstance(results, ox.QueryBoolean):
            return QueryResult("ask", results)
        return QueryResult("select", results)

    def graphs(self) -> list[str]:
        """The named graphs of the dataset (cached; refreshed after every write from here)."""
        if self._graphs is None:
            body, _ = self._post(self.query_url, [
                ("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")],
                "application/sparql-results+json")
            rows = json.loads(body)["results"]["bindings"]
            self._graphs = sorted(row["g"]["value"] for row in rows
                                  if not is_system_graph(row["g"]["value"]))
        return self._graphs

    def __len__(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sum(int(row["n"].value) for row in result.raw)  # type: ignore[attr-defined]

    # --- writing ---------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        """One SPARQL Update request."""
        if self.update_url is None:
            raise RemoteError("this store has no update URL (set store_update_url)")
        self._post(self.update_url, [("update", sparql)], "*/*")
        self._graphs = None

    def load_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add ``quads`` graph by graph. Triples with blank nodes of one graph travel in one
        request (blank node labels are scoped to a request); the others in bounded chunks."""
        by_graph: dict[str, tuple[list[ox.Triple], list[ox.Triple]]] = defaultdict(
            lambda: ([], []))
        for quad in quads:
            if not isinstance(quad.graph_name, ox.NamedNode):
                raise ValueError("the remote store holds named graphs only")
            blank = isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object,
                                                                         ox.BlankNode)
            by_graph[quad.graph_name.value][0 if blank else 1].append(quad.triple)
        for graph, (with_blanks, plain) in sorted(by_graph.items()):
            size = GSP_CHUNK if self.graph_url else UPDATE_CHUNK
            chunks = [with_blanks] if with_blanks else []
            chunks += [plain[i:i + size] for i in range(0, len(plain), size)]
            for chunk in chunks:
                self._add(graph, chunk)
        self._graphs = None

    def _add(self, graph: str, triples: list[ox.Triple]) -> None:
        if self.graph_url:
            url = _with_query(self.graph_url, {"graph": graph})
            self._request("POST", url, _ntriples(triples).encode(),
                          {"Content-Type": "application/n-triples"})
        else:
            self.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{_ntriples(triples)}\n}} }}")

    def replace_graph(self, graph_name: str, graph: Graph, *, metadata_graph: str,
                      description: Graph) -> None:
        """Replace one named graph and its description in the metadata graph (as
        :meth:`EmbeddedStore.replace_graph`) in one SPARQL Update request. Oxigraph applies a
        request atomically; Virtuoso applies its operations in order, in one request."""
        triples = [ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in graph]
        described = [ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in description]
        self.update(
            f"DROP SILENT GRAPH <{graph_name}> ;\n"
            f"INSERT DATA {{ GRAPH <{graph_name}> {{\n{_ntriples(triples)}\n}} }} ;\n"
            f"DELETE {{ GRAPH <{metadata_graph}> {{ <{graph_name}> ?p ?o }} }}\n"
            f"WHERE {{ GRAPH <{metadata_graph}> {{ <{graph_name}> ?p ?o }} }} ;\n"
            f"DELETE {{ GRAPH <{metadata_graph}> {{ ?s ?p ?o }} }}\n"
            f"WHERE {{ GRAPH <{metadata_graph}> {{ ?s ?p ?o "
            f"FILTER(STRSTARTS(STR(?s), \"{graph_name}#\")) }} }} ;\n"
            f"INSERT DATA {{ GRAPH <{metadata_graph}> {{\n{_ntriples(described)}\n}} }}")

    def flush(self) -> None:
        """Nothing to do: the engine commits every request."""

    def forget_graphs(self) -> None:
        """Forget the cached list of named graphs (another process may have added one)."""
        self._graphs = None

    def close(self) -> None:
        self.forget_graphs()

    # --- HTTP ------------------------------------------------------------------------------

    def _post(self, url: str, params: list[tuple[str, str]], accept: str) -> tuple[bytes, str]:
        """A form POST through SPARQLWrapper; the body and media type of the answer."""
        from SPARQLWrapper import BASIC, DIGEST, POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        (kind, text), *rest = params
        wrapper = SPARQLWrapper(url, updateEndpoint=url)
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)
        wrapper.setTimeout(int(self.timeout))
        wrapper.setQuery(text)
        wrapper.addCustomHttpHeader("Accept", accept)
        for name, value in rest:
            wrapper.addParameter(name, value)
        if self.user:
            scheme, realm = self._challenge(url)
            wrapper.setCredentials(self.user, self.password, realm=realm)
            wrapper.setHTTPAuth(DIGEST if scheme == "digest" else BASIC)
        if (kind == "update") != wrapper.isSparqlUpdateRequest():
            raise SyntaxError(f"not a SPARQL {kind}: {text[:80]!r}")
        try:
            response = wrapper.query().response
        except SPARQLWrapperException as exc:
            raise _syntax_or_remote(str(exc)) from exc
        except OSError as exc:
            raise RemoteError(f"{url}: {exc}") from exc
        return response.read(), response.headers.get("Content-Type", "")

    def _request(self, method: str, url: str, data: bytes, headers: dict[str, str]) -> bytes:
        """A plain HTTP request (the Graph Store Protocol), with the store's credentials."""
        handlers: list[urllib.request.BaseHandler] = []
        if self.user:
            scheme, realm = self._challenge(url)
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            manager.add_password(realm or None, url, self.user, self.password)
            handlers.append(urllib.request.HTTPDigestAuthHandler(manager) if scheme == "digest"
                            else urllib.request.HTTPBasicAuthHandler(manager))
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.build_opener(*handlers).open(request,
                                                             timeout=self.timeout) as answer:
                return answer.read()
        except urllib.error.HTTPError as exc:
            raise RemoteError(f"{method} {url}: {exc.code} {exc.read()[:500]!r}") from exc
        except OSError as exc:
            raise RemoteError(f"{method} {url}: {exc}") from exc

    def _challenge(self, url: str) -> tuple[str, str]:
        """The authentication scheme and realm ``url`` asks for (basic when it asks none);
        asked once per URL (an engine may protect its query and update URLs differently)."""
        if url not in self._auth:
            self._auth[url] = ("basic", "")
            try:
                urllib.request.urlopen(urllib.request.Request(url, method="POST", data=b""),
                                       timeout=self.timeout).close()
            except urllib.error.HTTPError as exc:
                header = exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
                scheme = header.split(" ", 1)[0].lower()
                realm = header.partition('realm="')[2].partition('"')[0]
                if scheme in ("basic", "digest"):
                    self._auth[url] = (scheme, realm)
            except OSError:
                pass
        return self._auth[url]


def publish(source: ox.Store, remote: RemoteStore) -> int:
    """Replace the named graphs of ``source`` in ``remote`` by their content (each dropped,
    then loaded); other graphs of the engine are left alone. The number of quads loaded."""
    names = sorted({q.graph_name.value for q in source.quads_for_pattern(None, None, None)
                    if isinstance(q.graph_name, ox.NamedNode)})
    if names:
        remote.update(" ;\n".join(f"DROP SILENT GRAPH <{name}>" for name in names))
    count = 0

    def counted() -> Iterable[ox.Quad]:
        nonlocal count
        for quad in source.quads_for_pattern(None, None, None):
            if isinstance(quad.graph_name, ox.NamedNode):
                count += 1
                yield quad

    remote.load_quads(counted())
    return count


def bind_values(sparql: str, substitutions: dict[str, ox.NamedNode | ox.Literal],
                form: str) -> str:
    """``sparql`` with a ``VALUES`` block binding ``substitutions`` at the start of its WHERE
    group. The values are serialised by pyoxigraph (escaped), never pasted as text."""
    code = blank_out(sparql)
    start = code.find("{")
    if form == "construct" and not code[:start].rstrip().upper().endswith("WHERE"):
        depth, end = 0, start
        for end in range(start, len(code)):  # skip the template
            depth += {"{": 1, "}": -1}.get(code[end], 0)
            if depth == 0:
                break
        start = code.find("{", end + 1)
    if start < 0:
        raise SyntaxError("no WHERE group to bind the parameters in")
    names = " ".join(f"?{name}" for name in substitutions)
    values = " ".join(str(term) for term in substitutions.values())
    return f"{sparql[:start + 1]} VALUES ({names}) {{ ({values}) }} {sparql[start + 1:]}"


def _rewritten(sparql: str, error: str) -> str | None:
    """The query an engine that refused ``sparql`` with ``error`` can answer, if it is one of
    the known cases (:mod:`segraph.store.quirks`); else ``None``."""
    if TRANSITIVE_UNBOUND in error:
        return expand_transitive_paths(sparql)
    if CONCAT_UNSUPPORTED in error:
        return str_concat_arguments(sparql)
    return None


def _json_term(term: ox.NamedNode | ox.Literal) -> dict[str, str]:
    """``term`` as a W3C JSON result binding."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if term.language:
        return {"type": "literal", "value": term.value, "xml:lang": term.language}
    return {"type": "literal", "value": term.value, "datatype": term.datatype.value}


def _graph_answer(body: bytes, media_type: str) -> object:
    """A CONSTRUCT/DESCRIBE answer as pyoxigraph ``QueryTriples`` (as the embedded store's)."""
    fmt = ox.RdfFormat.from_media_type(media_type.split(";")[0].strip()) or ox.RdfFormat.TURTLE
    holder = ox.Store()
    holder.bulk_extend(ox.Quad(triple.subject, triple.predicate, fix_term(triple.object))
                       for triple in ox.parse(body, format=fmt))
    return holder.query("CONSTRUCT WHERE { ?s ?p ?o }")


def _dataset_params(default_graphs: list[str], named_graphs: list[str]
                    ) -> list[tuple[str, str]]:
    """The Protocol parameters naming a dataset; an empty part is the empty graph (an engine
    such as Virtuoso reads a missing part as "all my graphs")."""
    return ([("default-graph-uri", g) for g in default_graphs or [EMPTY_GRAPH]]
            + [("named-graph-uri", g) for g in named_graphs or [EMPTY_GRAPH]])


def _with_query(url: str, params: dict[str, str]) -> str:
    return url + ("&" if "?" in url else "?") + urllib.parse.urlencode(params)


def _syntax_or_remote(message: str) -> Exception:
    if "QueryBadFormed" in message or "bad request" in message.lower():
        return SyntaxError(message)
    return RemoteError(message)
