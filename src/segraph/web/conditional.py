"""Conditional requests: ETags keyed on what an answer depends on, and ``304 Not Modified``."""

from __future__ import annotations

import hashlib

from flask import Response, request


def etag(*parts: str) -> str:
    """A strong ETag for an answer that depends on exactly ``parts`` (dataset version first)."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:24]


def not_modified(tag: str, *vary: str) -> Response | None:
    """``304`` when the client already holds ``tag`` (If-None-Match), else ``None``."""
    if not request.if_none_match.contains(tag):
        return None
    response = Response(status=304)
    response.set_etag(tag)
    response.vary.update(vary)
    return response
