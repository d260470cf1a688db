"""The labelled text-linking set (benchmarks/linking/) and its scorer's metrics."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import urllib.error
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from segraph.namespaces import SEG

PROJECT = Path(__file__).resolve().parents[1]
LINKING = PROJECT / "benchmarks" / "linking"
FIELDS = {"id", "lang", "text", "challenges", "goals", "kind"}
KINDS = {"enterprise", "project", "need", "none"}


def load_module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


score = load_module("linking_score", LINKING / "score.py")
split = load_module("linking_split", LINKING / "split.py")


@pytest.fixture(scope="module")
def stored() -> dict[str, list[dict]]:
    return split.read_set(LINKING)


@pytest.fixture(scope="module")
def items(stored) -> list[dict]:
    return stored["dev"] + stored["test"]


@pytest.fixture(scope="module")
def challenge_keys() -> set[str]:
    graph = Graph().parse(PROJECT / "data" / "challenges" / "challenges.ttl")
    return {str(graph.value(c, SKOS.notation))
            for c in graph.subjects(RDF.type, SEG.SocietalChallenge)}


# --- the set -----------------------------------------------------------------------------------

def test_rows_have_the_documented_fields(items):
    assert len(items) >= 110
    for item in items:
        assert set(item) == FIELDS, item["id"]
        assert item["lang"] in ("sv", "en")
        assert re.fullmatch(rf"{item['lang']}-\d{{3}}", item["id"])
        assert item["kind"] in KINDS
        assert isinstance(item["text"], str) and len(item["text"].split()) >= 5
        assert all(isinstance(key, str) for key in item["challenges"])
        assert all(type(goal) is int and 1 <= goal <= 17 for goal in item["goals"]), item["id"]
        assert len(set(item["challenges"])) == len(item["challenges"])
        assert len(set(item["goals"])) == len(item["goals"])
        # "none" texts and only they have no labels; every other text has both kinds
        none = item["kind"] == "none"
        assert none == (not item["challenges"]) == (not item["goals"]), item["id"]


def test_every_challenge_key_exists_and_every_challenge_is_used(items, challenge_keys):
    assert len(challenge_keys) == 27
    used = {key for item in items for key in item["challenges"]}
    assert used <= challenge_keys, used - challenge_keys
    assert used == challenge_keys


def test_every_goal_is_used(items):
    assert {goal for item in items for goal in item["goals"]} == set(range(1, 18))


def test_ids_are_unique_and_no_text_is_in_both_splits(stored, items):
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))

    def norm(text: str) -> str:
        return " ".join(text.casefold().split())

    dev, test = ({norm(i["text"]) for i in stored[name]} for name in ("dev", "test"))
    assert not dev & test
    assert len({norm(item["text"]) for item in items}) == len(items)


def test_language_mix_and_none_texts(stored, items):
    assert sum(item["lang"] == "sv" for item in items) / len(items) >= 0.55
    assert 0.55 <= len(stored["dev"]) / len(items) <= 0.65
    for name in ("dev", "test"):
        rows = stored[name]
        sv = sum(item["lang"] == "sv" for item in rows) / len(rows)
        assert 0.5 <= sv <= 0.7, (name, sv)
        nones = [item for item in rows if item["kind"] == "none"]
        assert len(nones) >= 2, name
    nones = [item for item in items if item["kind"] == "none"]
    # a handful of "none" texts, a few per cent of the set: enough to test, too few to dominate
    assert len(nones) >= 6 and 0.04 <= len(nones) / len(items) <= 0.10
    assert {item["lang"] for item in nones} == {"sv", "en"}


def test_the_split_follows_its_rule(stored):
    assert split.misplaced(stored) == []
    assert split.balance_problems(stored) == []
    # the rule depends on the id alone, so a text keeps its split when others are added
    new = [{"id": f"sv-9{n:02d}", "lang": "sv", "kind": "need"} for n in range(40)]
    grown = split.assign([*stored["dev"], *stored["test"], *new])
    for name in ("dev", "test"):
        assert {item["id"] for item in stored[name]} <= {item["id"] for item in grown[name]}
    swapped = {"dev": stored["test"][:1], "test": stored["dev"][:1]}
    assert len(split.misplaced(swapped)) == 2


# --- the scorer's metrics on hand-computed cases -------------------------------------------------

GOLD = [["a", "b"], ["c"], [], ["d"]]
PRED = [["a", "x", "b", "y"], [], ["a"], ["y", "z", "d", "q", "r", "s"]]


def test_precision_at_3():
    # text 1: a, x, b -> 2 of 3; text 2: nothing predicted; text 3: no gold, skipped;
    # text 4: y, z, d -> 1 of 3.  (2 + 1) / (3 + 3)
    assert score.precision_at_k(GOLD, PRED, 3) == pytest.approx(3 / 6)
    assert score.precision_at_k([["a"]], [[]], 3) == 0.0
    assert score.precision_at_k([["a"]], [["a", "a", "b"]], 3) == pytest.approx(1 / 2)


def test_recall_at_5():
    # text 1: both of a, b in the top 5; text 2: c missing; text 4: d at rank 3.  3 / 4
    assert score.recall_at_k(GOLD, PRED, 5) == pytest.approx(3 / 4)
    # top 2: text 1 a, x (b at rank 3 is out); text 4 y, z (d is out).  1 / 4
    assert score.recall_at_k(GOLD, PRED, 2) == pytest.approx(1 / 4)


def test_hit_at_1():
    assert score.hit_at_1(GOLD, PRED) == pytest.approx(1 / 3)


def test_lenient_counts_direct_broader_and_narrower():
    neighbours = {"a": {"p"}, "p": {"a", "q"}, "q": {"p"}}
    golds, preds = [["a"]], [["p", "x", "q"]]
    assert score.precision_at_k(golds, preds, 3) == 0.0
    assert score.precision_at_k(golds, preds, 3, neighbours) == pytest.approx(1 / 3)
    assert score.recall_at_k(golds, preds, 5) == 0.0
    assert score.recall_at_k(golds, preds, 5, neighbours) == 1.0


def test_goal_metrics_on_three_goals():
    golds = [{1, 2}, {2}, set()]
    preds = [{1}, {2, 3}, {3}]
    m = score.goal_metrics(golds, preds, goals=(1, 2, 3))
    # goal 1: TP 1, TN 2 -> P 1, R 1; goal 2: TP 1, FN 1, TN 1 -> P 1, R 1/2, F1 2/3;
    # goal 3: no gold -> out of the macro means; FP 2, TN 1
    assert m["evaluated_goals"] == [1, 2] and m["absent_goals"] == [3]
    assert m["macro_precision"] == pytest.approx(1.0)
    assert m["macro_recall"] == pytest.approx(3 / 4)
    assert m["macro_f1"] == pytest.approx((1 + 2 / 3) / 2)
    # micro: TP 2, FP 2, FN 1
    assert m["micro_precision"] == pytest.approx(1 / 2)
    assert m["micro_recall"] == pytest.approx(2 / 3)
    assert m["micro_f1"] == pytest.approx(4 / 7)
    # accuracy: goal 1 3/3, goal 2 2/3, goal 3 1/3
    assert m["accuracy"] == pytest.approx(2 / 3)
    # an empty answer: goal 1 2/3, goal 2 1/3, goal 3 3/3
    assert m["empty_accuracy"] == pytest.approx(2 / 3)
    # balanced: goal 1 (1 + 1)/2, goal 2 (1/2 + 1)/2
    assert m["balanced_accuracy"] == pytest.approx((1 + 3 / 4) / 2)
    assert m["per_goal"]["3"]["fp"] == 2


def test_goal_accuracy_over_17_goals_is_inflated_by_negatives():
    golds = [{1, 2}, {2}, set()]
    m = score.goal_metrics(golds, [{1}, {2, 3}, {3}])
    # goals 4..17 are true negatives in all three texts
    assert m["accuracy"] == pytest.approx((1 + 2 / 3 + 1 / 3 + 14) / 17)
    assert m["empty_accuracy"] == pytest.approx((2 / 3 + 1 / 3 + 15) / 17)
    assert m["macro_f1"] == pytest.approx((1 + 2 / 3) / 2)
    nothing = score.goal_metrics(golds, [set(), set(), set()])
    assert nothing["macro_f1"] == 0.0 and nothing["balanced_accuracy"] == pytest.approx(0.5)


def test_none_metrics():
    golds = [[], [], ["a"]]
    gold_goals = [[], [], [8]]
    m = score.none_metrics(golds, gold_goals, [[], ["a"], []], [{3}, set(), set()])
    assert m["texts"] == 2
    assert m["no_challenges"] == 1 and m["nothing"] == 0


def test_result_json_to_prediction():
    result = {
        "lang": "sv",
        "challenges": [
            {"uri": "https://w3id.org/segraph/id/challenge/long-term-unemployment", "score": 2.0},
            {"uri": "https://w3id.org/segraph/id/challenge/unemployment", "score": 1.0},
            {"uri": "https://w3id.org/segraph/id/challenge/long-term-unemployment", "score": 0.5},
        ],
        "goals": [
            {"uri": "https://w3id.org/segraph/id/sdg/goal/8", "notation": "8", "score": 0.9},
            {"uri": "https://w3id.org/segraph/id/sdg/goal/10", "score": 0.2},
        ],
        "targets": [],
    }
    prediction = score.to_prediction(result)
    assert prediction.challenges == ["long-term-unemployment", "unemployment"]
    assert prediction.goals == {8, 10}
    assert score.to_prediction(result, goal_threshold=0.5).goals == {8}


# --- the label baseline and the command line ----------------------------------------------------

def test_label_baseline():
    baseline = score.LabelBaseline()
    result = baseline("Vi anställer långtidsarbetslösa i vårt tvätteri.", "sv")
    assert result["challenges"][0]["uri"].endswith("/challenge/long-term-unemployment")
    assert "8" in [goal["notation"] for goal in result["goals"]]  # via target 8.5
    # a label must start a word: "äldre" is not in "föräldrarna"
    assert baseline("Föräldrarna hämtar barnen klockan fem.", "sv")["challenges"] == []
    assert baseline("Reduced inequalities in the region.", "en")["goals"][0]["notation"] == "10"


def test_score_command_with_the_baseline(tmp_path, capsys):
    out = tmp_path / "figures.json"
    assert score.main(["--baseline", "labels", "--split", "test", "--errors",
                       "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "BASELINE" in printed and "per-goal accuracy" in printed
    figures = json.loads(out.read_text(encoding="utf-8"))
    test_rows = split.read_set(LINKING)["test"]
    assert figures["all"]["texts"] == len(test_rows)
    assert figures["sv"]["texts"] + figures["en"]["texts"] == len(test_rows)
    assert [row["id"] for row in figures["texts"]] == [row["id"] for row in test_rows]
    for part in ("all", "sv", "en"):
        values = [*figures[part]["challenges"].values(),
                  *(figures[part]["goals"][k] for k in ("macro_f1", "accuracy"))]
        assert all(0.0 <= value <= 1.0 for value in values)
    # the floor it is: labels alone find some but far from all challenges
    assert 0.0 < figures["all"]["challenges"]["recall_at_5"] < 0.6


# --- the real linker, once it exists (same build, in-process and over HTTP) ----------------------

@pytest.fixture(scope="module")
def linked_in_process(built):
    pytest.importorskip("segraph.linking")
    paths, _ = built
    rows = score.load_split("dev")[:8]
    return rows, score.predict(rows, score.in_process_runner(paths.var))


@pytest.mark.slow
def test_scorer_runs_the_real_linker_in_process(linked_in_process):
    rows, predictions = linked_in_process
    assert len(predictions) == len(rows)
    keys = {key for p in predictions for key in p.challenges}
    assert keys <= set(score.challenge_neighbours(score.challenge_scheme()))
    assert all(1 <= goal <= 17 for p in predictions for goal in p.goals)
    figures = score.score(rows, predictions)
    assert figures["all"]["texts"] == len(rows)


@pytest.mark.slow
def test_scorer_gets_the_same_answers_over_http(linked_in_process, live_server):
    rows, local = linked_in_process
    try:
        remote = score.predict(rows, score.http_runner(live_server.url))
    except urllib.error.HTTPError as exc:
        if exc.code in (404, 405):
            pytest.skip("the server has no /api/link yet")
        raise
    assert [p.challenges for p in remote] == [p.challenges for p in local]
    assert [p.goals for p in remote] == [p.goals for p in local]
