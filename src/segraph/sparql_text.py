"""What can be told about a SPARQL request from its text alone, before it is run.

The text is scanned once with comments, string literals and IRIs blanked out, so that keywords
inside them (``"SERVICE"``, ``<http://ex/INSERT>``) do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SKIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'  # long strings
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'  # short strings
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"  # IRIs
    r"|#[^\n]*",  # comments
)
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_UPDATE = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b", re.IGNORECASE)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
_FROM = re.compile(r"\bFROM\b", re.IGNORECASE)


def blank_out(text: str) -> str:
    """``text`` with strings, IRIs and comments replaced by spaces (positions kept)."""
    return _SKIP.sub(lambda m: " " * len(m.group(0)), text)


def _is_keyword(code: str, match: re.Match[str]) -> bool:
    """False when the word is part of a name: ``?service``, ``schema:Service``, ``load:``.

    Only the clear cases are names; anything else counts as the keyword, so that a check
    (``SERVICE``, updates) errs on the side of refusing.
    """
    start, end = match.span()
    if code[end:end + 1] == ":":  # a prefix label
        return False
    first = start  # the name characters just before the word
    while first > 0 and (code[first - 1].isalnum() or code[first - 1] in "_.-"):
        first -= 1
    lead = code[first - 1] if first else ""
    if lead in ("?", "$") and re.fullmatch(r"\w*", code[first:start]):  # a variable
        return False
    return lead not in (":", "@")  # a prefixed or blank-node name, a language tag


def _keywords(pattern: re.Pattern[str], code: str) -> list[re.Match[str]]:
    return [m for m in pattern.finditer(code) if _is_keyword(code, m)]


@dataclass(frozen=True)
class QueryText:
    """Everything the checks need from one request, from a single blanking of its text."""

    form: str | None  # select, ask, construct, describe
    update: bool  # SPARQL Update (INSERT, DELETE, LOAD, CLEAR, …) rather than a query
    service: bool  # a SERVICE clause: a federated call to another host
    names_dataset: bool  # FROM / FROM NAMED: the query chooses its own graphs


def scan(text: str) -> QueryText:
    code = blank_out(text)
    forms, updates = _keywords(_FORM, code), _keywords(_UPDATE, code)
    return QueryText(
        form=forms[0].group(1).lower() if forms else None,
        update=bool(updates) and (not forms or updates[0].start() < forms[0].start()),
        service=bool(_keywords(_SERVICE, code)),
        names_dataset=bool(_keywords(_FROM, code)),
    )


def query_form(text: str) -> str | None:
    """``select``, ``ask``, ``construct`` or ``describe``; ``None`` when no form is found."""
    return scan(text).form


def is_update(text: str) -> bool:
    """True for SPARQL Update requests (INSERT, DELETE, LOAD, CLEAR, …) rather than queries."""
    return scan(text).update


def uses_service(text: str) -> bool:
    """True when the query contains a ``SERVICE`` clause (a federated call to another host)."""
    return scan(text).service


def names_dataset(text: str) -> bool:
    """True when the query chooses its own graphs with ``FROM`` or ``FROM NAMED``."""
    return scan(text).names_dataset
