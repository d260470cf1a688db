"""Conditional requests: ETags keyed on what an answer depends on, and ``304 Not Modified``."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from flask import Response, current_app, request

from segraph.web.errors import rate_limited

if TYPE_CHECKING:
    from segraph.web import Segraph


def etag(*parts: str) -> str:
    """A strong ETag for an answer that depends on exactly ``parts`` (dataset version first)."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:24]


def _held(tag: str) -> str | None:
    """The form of ``tag`` that the client holds (If-None-Match), else None.

    Flask-Compress sends a compressed answer's ETag as ``"<tag>:gzip"`` (one per encoding), so a
    client that took the compressed answer sends that back; it is the same answer.
    """
    if request.if_none_match.contains(tag):
        return tag
    algorithms = current_app.config.get("COMPRESS_ALGORITHM", ())
    if isinstance(algorithms, str):
        algorithms = algorithms.split(",")
    for algorithm in algorithms:
        suffixed = f"{tag}:{algorithm.strip()}"
        if request.if_none_match.contains(suffixed):
            return suffixed
    return None


def not_modified(tag: str, *vary: str) -> Response | None:
    """``304`` when the client already holds ``tag`` (If-None-Match), else ``None``."""
    held = _held(tag)
    if held is None:
        return None
    response = Response(status=304)
    response.set_etag(held)
    response.vary.update(vary)
    return response


def answered_before_work(state: Segraph, tag: str, *vary: str) -> Response | None:
    """What a view answers before doing any work: ``304`` when the client already holds
    ``tag``, else ``429`` when it has used up its requests, else ``None`` (a request is
    counted)."""
    cached = not_modified(tag, *vary)
    return cached if cached is not None else rate_limited(state)
