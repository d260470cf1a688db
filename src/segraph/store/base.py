"""The Store interface every engine implements."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox


@dataclass
class QueryResult:
    """A query answer: ``kind`` is select, ask or graph; ``raw`` is the engine's result object."""

    kind: str
    raw: object

    def serialize(self, media_type: str) -> bytes:
        """The answer in the W3C result format (or RDF syntax) named by ``media_type``."""
        if self.kind in ("select", "ask"):
            fmt = ox.QueryResultsFormat.from_media_type(media_type)
        else:
            fmt = ox.RdfFormat.from_media_type(media_type)
        if fmt is None:
            raise ValueError(f"no {self.kind} result format for {media_type!r}")
        return self.raw.serialize(format=fmt)  # type: ignore[attr-defined]


class Store(Protocol):
    """What the build, the CLI and (later) the web tier need from an engine."""

    def query(self, sparql: str, *, union_default_graph: bool = True,
              substitutions: dict[str, ox.NamedNode | ox.Literal] | None = None
              ) -> QueryResult: ...

    def load_quads(self, quads: Iterable[ox.Quad]) -> None: ...

    def __len__(self) -> int: ...

    def close(self) -> None: ...
