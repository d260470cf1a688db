"""The language of a page, Swedish or English, chosen once for the whole site.

``?lang=sv|en`` chooses it, and :func:`keep_language` (run after every request) sets a cookie
that keeps the choice on every other page: resources, ontology and shapes, releases, the
catalogue, saved queries and the editor. Without either, the Accept-Language header decides,
else Swedish.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from flask import Response, g, render_template, request

LANGUAGES = ("sv", "en")
LANG_COOKIE = "segraph_lang"
KEPT_FOR = 365 * 24 * 3600  # seconds


def _language(value: str | None) -> str | None:
    """``sv`` or ``en`` from a lenient spelling (`` EN``, ``en-GB``, ``svenska``), else None."""
    found = (value or "").strip().lower()[:2]
    return found if found in LANGUAGES else None


def page_language() -> tuple[str, bool]:
    """(``sv`` or ``en``, whether this request chose it with ``?lang=``): ``?lang=``, else the
    kept choice (the cookie), else Accept-Language, else Swedish."""
    g.segraph_language = True  # the answer depends on it: see keep_language
    asked = _language(request.args.get("lang"))
    if asked:
        return asked, True
    kept = _language(request.cookies.get(LANG_COOKIE))
    if kept:
        return kept, False
    return ("en" if request.accept_languages.best_match(LANGUAGES) == "en" else "sv"), False


def language_page(template: str, lang: str, text: Mapping[str, Mapping[str, str]],
                  **context: Any) -> Response:
    """``template`` rendered in ``lang`` with its texts ``t = text[lang]`` and ``other_url``,
    this page (same parameters) in the other language."""
    other = "en" if lang == "sv" else "sv"
    query = urlencode({**request.args.to_dict(), "lang": other})
    html = render_template(template, lang=lang, t=text[lang],
                           other_url=f"{request.path}?{query}", **context)
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Content-Language"] = lang
    return response


def keep_language(response: Response) -> Response:
    """After a request: keep a language chosen with ``?lang=`` in a cookie, and mark an answer
    that depends on the page language (``Vary: Accept-Language, Cookie``)."""
    asked = _language(request.args.get("lang"))
    if asked:
        response.set_cookie(LANG_COOKIE, asked, max_age=KEPT_FOR, samesite="Lax")
    if g.get("segraph_language"):
        response.vary.update(("Accept-Language", "Cookie"))
    return response
