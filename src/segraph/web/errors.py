"""One error shape for every endpoint: a status, a title and a message saying what to do.

SPARQL clients get the message as plain text (what they show their users); browsers and the
JSON APIs get it as JSON (``{"ok": false, "status": …, "title": …, "error": …}``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from flask import Response, request

if TYPE_CHECKING:
    from segraph.web import Segraph


def error_body(status: int, title: str, message: str) -> dict[str, object]:
    return {"ok": False, "status": status, "title": title, "error": message}


def error_response(status: int, title: str, message: str, *,
                   headers: dict[str, str] | None = None) -> Response:
    wants_json = request.accept_mimetypes.best_match(["text/plain", "application/json"]) == \
        "application/json" and request.accept_mimetypes["application/json"] > \
        request.accept_mimetypes["text/plain"]
    if wants_json:
        body = json.dumps(error_body(status, title, message), ensure_ascii=False)
        response = Response(body, status=status, mimetype="application/json")
    else:
        response = Response(f"{title}: {message}\n", status=status,
                            content_type="text/plain; charset=utf-8")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def retry_after(state: Segraph) -> int | None:
    """Seconds this client must wait when it has used up its requests, else None (one is
    taken)."""
    wait = state.limiter.check(request.remote_addr or "-")
    return state.limiter.retry_after(wait) if wait else None


def rate_limited(state: Segraph) -> Response | None:
    """The 429 answer when this client has used up its requests, else None (one is taken)."""
    retry = retry_after(state)
    if retry is None:
        return None
    return error_response(
        429, "Too Many Requests",
        f"Too many requests from your address; at most {state.settings['rate_limit']} per "
        f"minute. Try again in {retry} s.",
        headers={"Retry-After": str(retry)})
