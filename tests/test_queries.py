"""Every saved query in queries/ has a bilingual header and answers on the default graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from segraph.store import EmbeddedStore

QUERIES = sorted((Path(__file__).resolve().parents[1] / "queries").glob("*.rq"))


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_saved_query_has_header_and_rows(built, path: Path):
    text = path.read_text(encoding="utf-8")
    for key in ("title@sv", "title@en", "description@sv", "description@en"):
        assert f"# {key}:" in text, key
    paths, _ = built
    rows = list(EmbeddedStore(paths.store, read_only=True).query(text).raw)
    assert rows, path.name


def test_network_query_lists_the_twelve(built):
    paths, _ = built
    text = (QUERIES[0].parent / "network-municipalities.rq").read_text(encoding="utf-8")
    rows = list(EmbeddedStore(paths.store, read_only=True).query(text).raw)
    assert len(rows) == 12
    by_name = {r["municipality"].value: r for r in rows}
    assert by_name["Härjedalen"]["county"].value == "Jämtlands län"
    assert by_name["Helsingborg"]["code"].value == "1283"
