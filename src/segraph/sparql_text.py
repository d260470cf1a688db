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


def blank_out(text: str) -> str:
    """``text`` with strings, IRIs and comments replaced by spaces (positions kept)."""
    return _SKIP.sub(lambda m: " " * len(m.group(0)), text)


def query_form(text: str) -> str | None:
    """``select``, ``ask``, ``construct`` or ``describe``; ``None`` when no form is found."""
    match = _FORM.search(blank_out(text))
    return match.group(1).lower() if match else None


def is_update(text: str) -> bool:
    """True for SPARQL Update requests (INSERT, DELETE, LOAD, CLEAR, …) rather than queries."""
    code = blank_out(text)
    form = _FORM.search(code)
    update = _UPDATE.search(code)
    return update is not None and (form is None or update.start() < form.start())


def uses_service(text: str) -> bool:
    """True when the query contains a ``SERVICE`` clause (a federated call to another host)."""
    return _SERVICE.search(blank_out(text)) is not None
