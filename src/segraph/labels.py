"""Choosing the label to show from a resource's labels by language."""

from __future__ import annotations

from collections.abc import Mapping


def best_label(labels: Mapping[str, str], lang: str, fallback: str = "") -> str:
    """The label in ``lang``, else untagged, else Swedish, else English, else any (the first in
    sorted order), else ``fallback``."""
    for key in (lang, "", "sv", "en"):
        if labels.get(key):
            return labels[key]
    return next(iter(sorted(v for v in labels.values() if v)), fallback)
