"""The saved queries of ``queries/``: one ``.rq`` file each, with a header that says what it is.

A header is the run of ``#`` comment lines at the top of the file::

    # title@sv: Avtal per kommun sedan ett visst år (exempeldata)
    # title@en: Agreements per municipality since a given year (example data)
    # description@sv: Antal avtal och deras värde i kronor per kommun.
    # description@en: Number of agreements and their value in SEK per municipality.
    # param: fromYear integer 2022 — first calendar year counted
    # param@sv: fromYear — första kalenderår som räknas

``title`` and ``description`` are required in Swedish and English. Each ``param`` line is
``name type default — description`` (the default may be written in double quotes, so that it
can be empty or hold spaces at its ends); ``param@sv``/``param@en`` lines give the description
of a declared parameter in one language. Types: ``iri`` (an absolute http(s) IRI), ``string``,
``integer``, ``decimal``, ``boolean``, ``date`` (YYYY-MM-DD) and ``lang`` (a language-tagged
string, written ``text@tag`` such as ``Långtidsarbetslöshet@sv``).

A parameter ``name`` is the query variable ``?name``: :func:`bind` turns the submitted text into
an RDF term that the engine binds to that variable (pyoxigraph ``substitutions``). Values are
never pasted into the query text. The engine only binds variables that the ``SELECT`` clause
projects, so every parameter must be listed there; :func:`load_queries` checks that, and the
rest of the query, by running each query once on an empty store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox

from segraph.namespaces import PREFIXES
from segraph.sparql_text import blank_out, query_form

LANGUAGES = ("sv", "en")
TYPES = ("iri", "string", "integer", "decimal", "boolean", "date", "lang")
# Request parameters that the web tier uses itself, so no query parameter may take the name.
RESERVED = frozenset({"format", "lang"})
MAX_VALUE_LENGTH = 1000

XSD = "http://www.w3.org/2001/XMLSchema#"
_FIELD = re.compile(r"#\s*([a-z][a-z-]*)(?:@([A-Za-z-]+))?\s*:(.*)")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LANG_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
_BOOLEAN = {"true": True, "1": True, "false": False, "0": False}
_DASHES = ("—", "--")  # between a parameter's default and its description

EXPECTED = {
    "iri": "an absolute http or https IRI, e.g. https://w3id.org/segraph/id/county/12",
    "string": f"a text of at most {MAX_VALUE_LENGTH} characters",
    "integer": "a whole number, e.g. 2022",
    "decimal": "a decimal number, e.g. 150000 or 1500.50",
    "boolean": "true or false",
    "date": "a date written YYYY-MM-DD, e.g. 2022-12-31",
    "lang": "a text with a language tag, written text@tag, e.g. Långtidsarbetslöshet@sv",
}


class QueryFileError(ValueError):
    """A saved query file whose header or query is wrong; the message names file and line."""


@dataclass(frozen=True)
class Param:
    """One declared parameter: the variable ``?name``, its type, default and description."""

    name: str
    type: str
    default: str
    description: str
    descriptions: dict[str, str] = field(default_factory=dict)  # language -> text
    line: int = 0

    def describe(self, lang: str) -> str:
        """The description in ``lang`` when the header gives one, else the ``param`` line's."""
        return self.descriptions.get(lang, self.description)

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "type": self.type, "default": self.default,
                "description": {lang: self.describe(lang) for lang in LANGUAGES}}


@dataclass(frozen=True)
class SavedQuery:
    """A saved query: ``name`` is the file stem; ``text`` is the whole file (header included)."""

    name: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    params: list[Param]
    text: str
    form: str = "select"

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles["en"]

    def description(self, lang: str) -> str:
        return self.descriptions.get(lang) or self.descriptions["en"]

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "title": dict(self.titles),
                "description": dict(self.descriptions),
                "params": [p.to_dict() for p in self.params]}


def parse_value(type_: str, raw: str) -> ox.NamedNode | ox.Literal:
    """The RDF term for ``raw`` read as ``type_``; ValueError saying what was expected."""
    if type_ not in TYPES:
        raise ValueError(f"unknown parameter type {type_!r}; known: {', '.join(TYPES)}")
    if len(raw) > MAX_VALUE_LENGTH:
        raise ValueError(f"expected {EXPECTED[type_]}, got a text of {len(raw):,} characters")
    value = raw.strip() if type_ != "string" else raw
    shown = raw if len(raw) <= 60 else raw[:57] + "…"
    problem = ValueError(f"expected {EXPECTED[type_]}, got {shown!r}")
    if type_ == "string":
        return ox.Literal(value)
    if type_ == "iri":
        parts = urlsplit(value)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc or \
                re.search(r"[\s<>\"{}|\\^`]", value):
            raise problem
        try:
            return ox.NamedNode(value)
        except ValueError:
            raise problem from None
    if type_ == "integer":
        if not _INTEGER.fullmatch(value):
            raise problem
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    if type_ == "decimal":
        if not _DECIMAL.fullmatch(value):
            raise problem
        try:
            number = Decimal(value.replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
            raise problem from None
        text = format(number.normalize(), "f")  # the canonical form: 1500.5, 7, -0.25
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "decimal"))
    if type_ == "boolean":
        if value.lower() not in _BOOLEAN:
            raise problem
        return ox.Literal("true" if _BOOLEAN[value.lower()] else "false",
                          datatype=ox.NamedNode(XSD + "boolean"))
    if type_ == "date":
        if not _DATE.fullmatch(value):
            raise problem
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise problem from None
        return ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    # lang: text@tag
    text, at, tag = value.rpartition("@")
    if not at or not text or not _LANG_TAG.fullmatch(tag):
        raise problem
    return ox.Literal(text, language=tag.lower())


def bind(query: SavedQuery, values: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
    """Every parameter of ``query`` as an RDF term: the given value, else the default.

    An empty value counts as not given. Raises ValueError naming the parameter when a value
    does not read as the parameter's type, or when ``values`` names an unknown parameter.
    """
    unknown = sorted(set(values) - {p.name for p in query.params})
    if unknown:
        takes = ", ".join(p.name for p in query.params) or "no parameters"
        raise ValueError(f"unknown parameter {unknown[0]!r}: the query {query.name!r} takes "
                         f"{takes}")
    terms: dict[str, ox.NamedNode | ox.Literal] = {}
    for param in query.params:
        raw = values.get(param.name)
        if raw is None or raw == "":
            raw = param.default
        try:
            terms[param.name] = parse_value(param.type, raw)
        except ValueError as exc:
            raise ValueError(f"parameter {param.name!r} ({param.type}): {exc}") from None
    return terms


def _split_header(lines: list[str]) -> int:
    """The number of header lines: the leading comment (and blank) lines."""
    count = 0
    for line in lines:
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break
        count += 1
    return count


def _parse_param(spec: str, where: str) -> tuple[str, str, str, str]:
    for dash in _DASHES:
        if dash in spec:
            left, _, description = spec.partition(dash)
            break
    else:
        raise QueryFileError(f"{where}: a param line reads 'name type default — description'; "
                             "the dash (—) before the description is missing")
    parts = left.split(None, 2)
    if len(parts) < 3:
        raise QueryFileError(f"{where}: a param line reads 'name type default — description'; "
                             f"found {left.strip()!r} before the dash (a default is required; "
                             'write "" for an empty one)')
    name, type_, default = parts[0], parts[1], parts[2].strip()
    if len(default) >= 2 and default[0] == default[-1] == '"':
        default = default[1:-1]
    description = description.strip()
    if not description:
        raise QueryFileError(f"{where}: parameter {name!r} has no description after the dash")
    return name, type_, default, description


def load_query(path: Path, *, check: bool = True) -> SavedQuery:
    """One saved query from ``path``; QueryFileError (naming file and line) when it is wrong.

    With ``check`` the query is run once on an empty store with the defaults bound, which finds
    syntax errors and parameters missing from the ``SELECT`` clause.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    titles: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    params: list[Param] = []
    localized: list[tuple[int, str, str, str]] = []
    for number, line in enumerate(lines[:_split_header(lines)], start=1):
        where = f"{path.name}:{number}"
        match = _FIELD.match(line.strip())
        if not match:
            continue  # a free comment
        key, lang, value = match.group(1), match.group(2), match.group(3).strip()
        if key not in ("title", "description", "param"):
            raise QueryFileError(f"{where}: unknown header field {key!r}; known: title@sv, "
                                 "title@en, description@sv, description@en, param, param@sv, "
                                 "param@en")
        if lang is not None and lang not in LANGUAGES:
            raise QueryFileError(f"{where}: language {lang!r} in '{key}@{lang}'; "
                                 f"use {' or '.join(LANGUAGES)}")
        if key in ("title", "description"):
            if lang is None:
                raise QueryFileError(f"{where}: '{key}' needs a language: {key}@sv or {key}@en")
            target = titles if key == "title" else descriptions
            if lang in target:
                raise QueryFileError(f"{where}: '{key}@{lang}' is given twice")
            if not value:
                raise QueryFileError(f"{where}: '{key}@{lang}' is empty")
            target[lang] = value
        elif lang is not None:
            name, dash, description = next(
                (value.partition(d) for d in _DASHES if d in value), (value, "", ""))
            if not dash or not description.strip():
                raise QueryFileError(f"{where}: 'param@{lang}' reads 'name — description'")
            localized.append((number, lang, name.strip(), description.strip()))
        else:
            name, type_, default, description = _parse_param(value, where)
            if not _NAME.fullmatch(name):
                raise QueryFileError(f"{where}: {name!r} is not a SPARQL variable name "
                                     "(letters, digits, _)")
            if name in RESERVED:
                raise QueryFileError(f"{where}: the parameter name {name!r} is reserved by the "
                                     "web tier; choose another")
            if any(p.name == name for p in params):
                raise QueryFileError(f"{where}: parameter {name!r} is declared twice")
            if type_ not in TYPES:
                raise QueryFileError(f"{where}: parameter {name!r} has the unknown type "
                                     f"{type_!r}; known: {', '.join(TYPES)}")
            try:
                parse_value(type_, default)
            except ValueError as exc:
                raise QueryFileError(f"{where}: the default of parameter {name!r}: {exc}"
                                     ) from None
            params.append(Param(name, type_, default, description, {}, number))
    where = path.name
    for key, found in (("title", titles), ("description", descriptions)):
        missing = [lang for lang in LANGUAGES if lang not in found]
        if missing:
            raise QueryFileError(f"{where}:1: the header has no '# {key}@{missing[0]}:' line")
    for number, lang, name, description in localized:
        index = next((i for i, p in enumerate(params) if p.name == name), None)
        if index is None:
            raise QueryFileError(f"{where}:{number}: 'param@{lang}' describes {name!r}, which "
                                 "no param line declares")
        params[index].descriptions[lang] = description
    form = query_form(text)
    if form not in ("select", "ask"):
        raise QueryFileError(f"{where}: a saved query is a SELECT or ASK query, not "
                             f"{(form or 'no query').upper()}")
    code = blank_out(text)
    for param in params:
        if not re.search(rf"[?$]{param.name}\b", code):
            raise QueryFileError(f"{where}:{param.line}: parameter {param.name!r} is declared "
                                 f"but the query never uses ?{param.name}")
    query = SavedQuery(path.stem, titles, descriptions, params, text, form)
    if check:
        _dry_run(query, where)
    return query


def _dry_run(query: SavedQuery, where: str) -> None:
    terms = bind(query, {})
    try:
        result = ox.Store().query(
            query.text, prefixes={p: str(ns) for p, ns in PREFIXES.items()},
            substitutions={ox.Variable(k): v for k, v in terms.items()})
        if isinstance(result, ox.QuerySolutions):
            list(result)
    except (SyntaxError, ValueError, RuntimeError, OSError) as exc:
        message = str(exc)
        for param in query.params:
            if f"?{param.name} " in message + " " and "projection" in message:
                raise QueryFileError(
                    f"{where}:{param.line}: parameter {param.name!r} must be listed in the "
                    f"SELECT clause (the engine binds only projected variables): {message}"
                ) from None
        raise QueryFileError(f"{where}: the query does not run: {message}") from None


def load_queries(directory: Path, *, check: bool = True) -> list[SavedQuery]:
    """Every ``*.rq`` file of ``directory`` as a :class:`SavedQuery`, sorted by name."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory}: no such directory of saved queries")
    return [load_query(path, check=check) for path in sorted(directory.glob("*.rq"))]
