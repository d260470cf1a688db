"""What can be told about a SPARQL request from its text alone, before it is run.

The text is scanned once with comments, string literals and IRIs blanked out, so that keywords
inside them (``"SERVICE"``, ``<http://ex/INSERT>``) do not count.
"""

from __future__ import annotations

import re

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


def _keywords(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    code = blank_out(text)
    return [m for m in pattern.finditer(code) if _is_keyword(code, m)]


def query_form(text: str) -> str | None:
    """``select``, ``ask``, ``construct`` or ``describe``; ``None`` when no form is found."""
    forms = _keywords(_FORM, text)
    return forms[0].group(1).lower() if forms else None


def is_update(text: str) -> bool:
    """True for SPARQL Update requests (INSERT, DELETE, LOAD, CLEAR, …) rather than queries."""
    forms, updates = _keywords(_FORM, text), _keywords(_UPDATE, text)
    return bool(updates) and (not forms or updates[0].start() < forms[0].start())


def uses_service(text: str) -> bool:
    """True when the query contains a ``SERVICE`` clause (a federated call to another host)."""
    return bool(_keywords(_SERVICE, text))


def names_dataset(text: str) -> bool:
    """True when the query chooses its own graphs with ``FROM`` or ``FROM NAMED``."""
    return bool(_keywords(_FROM, text))
