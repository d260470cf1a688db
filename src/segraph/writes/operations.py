"""A SPARQL 1.1 Update request split into its operations, from the text alone.

The gate (:mod:`segraph.writes.delta`) needs each operation's parts (the quad data, the
DELETE and INSERT templates, the WHERE pattern, WITH and USING, the graphs of CLEAR, DROP, ADD,
MOVE, COPY) to work out exactly which quads the request removes and adds before anything is
written. The text is checked by the engine's own parser first (:func:`parse_update`), so this
module only has to find the parts of a request that is known to be valid.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field

import pyoxigraph as ox

from segraph.sparql_text import blank_out, uses_service

_TOKEN = re.compile(r"\s+|<[^<>\"{}|^`\\\s]*>|[{};]|[^\s{};<]+")
_KEYWORDS = {"PREFIX", "BASE", "INSERT", "DELETE", "DATA", "WHERE", "WITH", "USING", "NAMED",
             "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "SILENT", "GRAPH",
             "DEFAULT", "ALL", "TO", "INTO"}
_GRAPH_BLOCK = re.compile(r"\bGRAPH\b", re.IGNORECASE)


class UpdateRefused(ValueError):
    """A valid update this service does not run (LOAD, SERVICE, CLEAR ALL …); the message
    says what to send instead."""


@dataclass
class Operation:
    """One operation of an update request."""

    kind: str  # insert-data, delete-data, delete-where, modify, clear, drop, create, add, move,
    #            copy
    data: str = ""      # the quad data (…-data) or the quad pattern (delete-where)
    delete: str = ""    # the DELETE template of a modify
    insert: str = ""    # the INSERT template of a modify
    where: str = ""     # the WHERE group of a modify
    with_graph: str | None = None
    using: list[str] = field(default_factory=list)
    using_named: list[str] = field(default_factory=list)
    silent: bool = False
    graphs: list[str | None] = field(default_factory=list)  # graph IRIs; None is DEFAULT

    @property
    def reads_state(self) -> bool:
        """True when what the operation changes depends on the data, not only on its text
        (DELETE DATA too: a triple named without GRAPH is deleted from every graph holding
        it, so it must see what earlier operations of the request changed)."""
        return self.kind not in ("insert-data", "create")


@dataclass
class Update:
    prologue: str  # every PREFIX and BASE of the request, in order
    prefixes: dict[str, str]
    base: str | None
    operations: list[Operation]


def parse_update(text: str) -> Update:
    """The operations of ``text``. Raises ``SyntaxError`` (the engine's message) for an
    invalid update and :class:`UpdateRefused` for one this service does not run."""
    if uses_service(text):
        raise UpdateRefused("SERVICE is not allowed: this service does not call other hosts. "
                            "Load the data you need first.")
    tokens = _tokens(text)
    if any(t.upper() == "LOAD" for t, _ in tokens):
        raise UpdateRefused("LOAD is not allowed: this service does not fetch from other "
                            "hosts. Send the data itself with INSERT DATA or to /data.")
    try:  # the engine's syntax check, on an empty store (LOAD and SERVICE refused above)
        ox.Store().update(text)
    except SyntaxError as exc:
        raise SyntaxError(str(exc).split("\n", 1)[0]) from None
    except Exception:  # an error of running it on an empty store, not of syntax
        pass
    return _Parser(tokens).update()


def _tokens(text: str) -> list[tuple[str, str]]:
    """Top-level tokens: (token, kind) with kind word, iri, group (the text inside braces) or
    ``;``."""
    code = blank_out(text)
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        if code[position] == "#" or (code[position] == " " and text[position] == "#"):
            end = text.find("\n", position)
            position = len(text) if end < 0 else end
            continue
        if code[position] == "{":
            depth, end = 0, position
            for end in range(position, len(code)):
                depth += {"{": 1, "}": -1}.get(code[end], 0)
                if depth == 0:
                    break
            tokens.append((text[position + 1:end], "group"))
            position = end + 1
            continue
        match = _TOKEN.match(text, position)
        if match is None:  # pragma: no cover - the engine accepted the text
            raise SyntaxError(f"cannot read the update at character {position}")
        token = match.group(0)
        position = match.end()
        if token.isspace():
            continue
        if token.startswith("<"):
            tokens.append((token[1:-1], "iri"))
        elif token == ";":
            tokens.append((token, ";"))
        else:
            tokens.append((token, "word"))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0
        self.prefixes: dict[str, str] = {}
        self.base: str | None = None
        self.prologue: list[str] = []

    def peek(self) -> str:
        if self.at >= len(self.tokens):
            return ""
        token, kind = self.tokens[self.at]
        return token.upper() if kind == "word" and token.upper() in _KEYWORDS else ""

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def keyword(self, *words: str) -> bool:
        if self.peek() in words:
            self.at += 1
            return True
        return False

    def iri(self) -> str:
        token, kind = self.take()
        if kind == "iri":
            return urllib.parse.urljoin(self.base, token) if self.base else token
        prefix, _, local = token.partition(":")
        if prefix in self.prefixes:
            return self.prefixes[prefix] + local
        raise SyntaxError(f"unknown prefix in {token!r}")

    def group(self) -> str:
        token, kind = self.take()
        if kind != "group":  # pragma: no cover - the engine accepted the text
            raise SyntaxError(f"expected {{ … }} at {token!r}")
        return token

    def graph_ref(self, *, optional_graph: bool = False) -> str | None:
        """``GRAPH <g>`` (or ``<g>`` where GRAPH is optional) or ``DEFAULT`` (None)."""
        if self.keyword("DEFAULT"):
            return None
        if self.keyword("NAMED", "ALL"):
            word = self.tokens[self.at - 1][0].upper()
            raise UpdateRefused(f"{word} is not allowed here: name each graph (GRAPH <…>), so "
                                "that no write empties more than its author meant.")
        if not self.keyword("GRAPH") and not optional_graph:  # pragma: no cover
            raise SyntaxError("expected GRAPH <…> or DEFAULT")
        return self.iri()

    def update(self) -> Update:
        operations = []
        while self.at < len(self.tokens):
            if self.keyword("PREFIX"):
                name, _ = self.take()
                iri = self.iri()
                self.prefixes[name.rstrip(":")] = iri
                self.prologue.append(f"PREFIX {name} <{iri}>")
            elif self.keyword("BASE"):
                self.base = self.iri()
                self.prologue.append(f"BASE <{self.base}>")
            elif self.tokens[self.at][1] == ";":
                self.at += 1
            else:
                operations.append(self.operation())
        return Update("\n".join(self.prologue), dict(self.prefixes), self.base, operations)

    def operation(self) -> Operation:
        word = self.peek()
        self.at += 1
        if word in ("INSERT", "DELETE") and self.keyword("DATA"):
            return Operation(f"{word.lower()}-data", data=self.group())
        if word == "DELETE" and self.keyword("WHERE"):
            return Operation("delete-where", data=self.group())
        if word in ("WITH", "INSERT", "DELETE"):
            return self.modify(word)
        silent = self.keyword("SILENT")
        if word in ("CLEAR", "DROP"):
            return Operation(word.lower(), silent=silent, graphs=[self.graph_ref()])
        if word == "CREATE":
            return Operation("create", silent=silent, graphs=[self.graph_ref()])
        if word in ("ADD", "MOVE", "COPY"):
            source = self.graph_ref(optional_graph=True)
            self.keyword("TO")
            target = self.graph_ref(optional_graph=True)
            return Operation(word.lower(), silent=silent, graphs=[source, target])
        raise SyntaxError(f"unexpected {word or self.tokens[self.at - 1][0]!r}")  # pragma: no cover

    def modify(self, word: str) -> Operation:
        op = Operation("modify")
        if word == "WITH":
            op.with_graph = self.iri()
            word = self.peek()
            self.at += 1
        if word == "DELETE":
            op.delete = self.group()
            if self.keyword("INSERT"):
                op.insert = self.group()
        else:
            op.insert = self.group()
        while self.keyword("USING"):
            (op.using_named if self.keyword("NAMED") else op.using).append(self.iri())
        self.keyword("WHERE")
        op.where = self.group()
        return op


def split_template(template: str, prefixes: dict[str, str], base: str | None
                   ) -> list[tuple[str | None, str]]:
    """A quad template as (graph, triples) pairs: graph None for the default graph, an IRI, or
    ``?name`` for a variable."""
    code = blank_out(template)
    parts: list[tuple[str | None, str]] = []
    rest, position = [], 0
    for match in _GRAPH_BLOCK.finditer(code):
        if match.start() < position or _depth(code, match.start()) != 0:
            continue
        rest.append(template[position:match.start()])
        after = match.end()
        open_at = code.index("{", after)
        name = template[after:open_at].strip()
        depth, close_at = 0, open_at
        for close_at in range(open_at, len(code)):
            depth += {"{": 1, "}": -1}.get(code[close_at], 0)
            if depth == 0:
                break
        parts.append((_graph_name(name, prefixes, base), template[open_at + 1:close_at]))
        position = close_at + 1
    rest.append(template[position:])
    default = "".join(rest).strip().strip(".").strip()
    if default:
        parts.insert(0, (None, default))
    return parts


def _depth(code: str, position: int) -> int:
    return code[:position].count("{") - code[:position].count("}")


def _graph_name(token: str, prefixes: dict[str, str], base: str | None) -> str:
    if token.startswith(("?", "$")):
        return "?" + token[1:]
    if token.startswith("<"):
        iri = token[1:-1]
        return urllib.parse.urljoin(base, iri) if base else iri
    prefix, _, local = token.partition(":")
    if prefix not in prefixes:
        raise SyntaxError(f"unknown prefix in GRAPH {token}")
    return prefixes[prefix] + local
