"""Score segraph's text linker on the labelled set beside this file (dev.jsonl, test.jsonl).

    python benchmarks/linking/score.py                         # dev, in-process, the project's var/
    python benchmarks/linking/score.py --split test --var DIR  # builds DIR first if it has no build
    python benchmarks/linking/score.py --url http://127.0.0.1:8000  # POST {"text","lang"} /api/link
    python benchmarks/linking/score.py --baseline labels --split all  # the label-substring floor
    options: --goal-threshold S  --no-lang  --errors  --per-goal  --json FILE

Runners. In-process: ``Linker.from_store(store)`` on a pyoxigraph store loaded from the build's
``build/dumps/segraph.nq``, ``link(text, lang, limit=10)``. HTTP: ``POST <url>/api/link``. Both
give ``LinkResult.to_json()``: ranked ``challenges`` (keys = the last segment of ``uri``) and
``goals`` (numbers = ``notation``, else the last segment of ``uri``). ``--no-lang`` leaves the
language out, so that the linker has to detect it. ``--baseline labels`` is NOT the linker: it
is a floor to compare with (see :class:`LabelBaseline`).

Definitions. gold_t and pred_t are a text's labelled and returned challenges; pred_t is ranked,
top_k(pred_t) its first k (all of them when there are fewer).

Challenges, over the texts whose gold challenge list is not empty ("labelled texts"):
  precision@3 = sum_t |top_3(pred_t) & gold_t| / sum_t |top_3(pred_t)|   (micro; a text with no
                prediction adds nothing to either sum; 0 when nothing at all is predicted)
  recall@5    = sum_t |top_5(pred_t) & gold_t| / sum_t |gold_t|          (micro)
  hit@1       = share of labelled texts whose first prediction is in gold_t
  lenient P@3 / R@5: the same, but a prediction also counts when it is a direct SKOS broader or
                narrower of a gold challenge (and a gold challenge counts as found when such a
                neighbour is in the top 5); printed beside the strict figures, never instead.
"none" texts (no gold challenges and no gold goals): the share whose result has no challenges,
  and the share whose result has neither challenges nor goals.

SDG goals, over all texts of the split, "none" texts included. A goal is predicted for a text
when it is in the result's ``goals`` (with ``--goal-threshold S``: and its score >= S). For each
goal g of 1..17: TP, FP, FN, TN over the texts;
  precision_g = TP/(TP+FP) (0 when nothing is predicted), recall_g = TP/(TP+FN),
  F1_g = 2 P R / (P + R) (0 when P + R = 0);
  macro P / R / F1 = the means of precision_g, recall_g, F1_g over the goals that occur in the
                gold labels of the texts scored (goals absent from them are left out, and listed);
  micro P / R / F1 from TP, FP, FN summed over the 17 goals;
  average per-goal accuracy = the mean over all 17 goals of (TP+TN)/N, N = texts scored. This is
                the figure the SDG-classifier literature quotes (85–88 % for the best on the OSDG
                data). With one to four of 17 goals per text it is dominated by true negatives:
                the scorer prints beside it what a linker that returns no goals at all would get.
  average per-goal balanced accuracy = the mean over the evaluated goals of
                (recall_g + TN/(TN+FP)) / 2, which an empty answer puts at 50 %.
Every figure is given for all texts and for Swedish and English apart.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from segraph.namespaces import ID, SEG

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
CHALLENGES_TTL = PROJECT / "data" / "challenges" / "challenges.ttl"
SDG_LABELS = PROJECT / "data" / "sdg" / "sdg-labels.csv"
GOALS = tuple(range(1, 18))
LANGS = ("sv", "en")
SPLITS = ("dev", "test")

Result = dict  # LinkResult.to_json(): {"lang", "challenges", "goals", "targets"}
Runner = Callable[[str, str | None], Result]


# --- the labelled set ------------------------------------------------------------------------

def load_split(name: str, directory: Path = HERE) -> list[dict]:
    """The texts of ``dev``, ``test`` or ``all`` (dev then test)."""
    names = SPLITS if name == "all" else (name,)
    items = []
    for split in names:
        with (directory / f"{split}.jsonl").open(encoding="utf-8") as fh:
            items += [json.loads(line) for line in fh if line.strip()]
    return items


def challenge_scheme(path: Path = CHALLENGES_TTL) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


def challenge_key(iri: str) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def challenge_neighbours(graph: Graph) -> dict[str, set[str]]:
    """Challenge key -> the keys of its direct SKOS broader and narrower concepts."""
    out: dict[str, set[str]] = {}
    for concept in graph.subjects(RDF.type, SEG.SocietalChallenge):
        key = challenge_key(concept)
        related = set(graph.objects(concept, SKOS.broader)) | set(
            graph.objects(concept, SKOS.narrower))
        out[key] = {challenge_key(other) for other in related}
    return out


# --- metrics (pure functions; tests check them on hand-computed cases) -------------------------

def _hits(gold: Sequence[str], top: Sequence[str], neighbours: dict[str, set[str]] | None,
          ) -> tuple[int, int]:
    """(predictions in ``top`` that count, gold labels that are found in ``top``)."""
    gold_set, top_set = set(gold), set(top)

    def near(key: str, others: set[str]) -> bool:
        return key in others or bool(neighbours and neighbours.get(key, set()) & others)

    return (sum(near(key, gold_set) for key in top_set),
            sum(near(key, top_set) for key in gold_set))


def _top(pred: Sequence[str], k: int) -> list[str]:
    return list(dict.fromkeys(pred))[:k]


def precision_at_k(golds: Sequence[Sequence[str]], preds: Sequence[Sequence[str]], k: int = 3,
                   neighbours: dict[str, set[str]] | None = None) -> float:
    """Micro precision of the top ``k`` predictions over the texts with gold labels."""
    hits = made = 0
    for gold, pred in zip(golds, preds, strict=True):
        if gold:
            top = _top(pred, k)
            hits += _hits(gold, top, neighbours)[0]
            made += len(top)
    return hits / made if made else 0.0


def recall_at_k(golds: Sequence[Sequence[str]], preds: Sequence[Sequence[str]], k: int = 5,
                neighbours: dict[str, set[str]] | None = None) -> float:
    """Micro recall of the top ``k`` predictions over the texts with gold labels."""
    found = wanted = 0
    for gold, pred in zip(golds, preds, strict=True):
        if gold:
            found += _hits(gold, _top(pred, k), neighbours)[1]
            wanted += len(set(gold))
    return found / wanted if wanted else 0.0


def hit_at_1(golds: Sequence[Sequence[str]], preds: Sequence[Sequence[str]]) -> float:
    """Share of the texts with gold labels whose first prediction is a gold one."""
    pairs = [(gold, pred) for gold, pred in zip(golds, preds, strict=True) if gold]
    return sum(bool(pred) and pred[0] in gold for gold, pred in pairs) / len(pairs) if pairs \
        else 0.0


@dataclass
class GoalCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.support if self.support else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def specificity(self) -> float:
        return self.tn / (self.tn + self.fp) if self.tn + self.fp else 0.0

    @property
    def balanced_accuracy(self) -> float:
        return (self.recall + self.specificity) / 2

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / total if total else 0.0


def goal_counts(golds: Sequence[Iterable[int]], preds: Sequence[Iterable[int]],
                goals: Sequence[int] = GOALS) -> dict[int, GoalCounts]:
    table = {goal: GoalCounts() for goal in goals}
    for gold, pred in zip(golds, preds, strict=True):
        gold_set, pred_set = set(gold), set(pred)
        for goal, counts in table.items():
            if goal in gold_set:
                if goal in pred_set:
                    counts.tp += 1
                else:
                    counts.fn += 1
            elif goal in pred_set:
                counts.fp += 1
            else:
                counts.tn += 1
    return table


def goal_metrics(golds: Sequence[Iterable[int]], preds: Sequence[Iterable[int]],
                 goals: Sequence[int] = GOALS) -> dict:
    """Macro and micro P/R/F1, average per-goal accuracy and the all-empty reference."""
    golds = [set(gold) for gold in golds]
    table = goal_counts(golds, preds, goals)
    evaluated = [goal for goal in goals if table[goal].support]

    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    tp = sum(c.tp for c in table.values())
    fp = sum(c.fp for c in table.values())
    fn = sum(c.fn for c in table.values())
    micro_p = tp / (tp + fp) if tp + fp else 0.0
    micro_r = tp / (tp + fn) if tp + fn else 0.0
    empty = goal_counts(golds, [set()] * len(golds), goals)
    return {
        "macro_precision": mean([table[g].precision for g in evaluated]),
        "macro_recall": mean([table[g].recall for g in evaluated]),
        "macro_f1": mean([table[g].f1 for g in evaluated]),
        "micro_precision": micro_p,
        "micro_recall": micro_r,
        "micro_f1": 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0,
        "accuracy": mean([table[g].accuracy for g in goals]),
        "empty_accuracy": mean([empty[g].accuracy for g in goals]),
        "balanced_accuracy": mean([table[g].balanced_accuracy for g in evaluated]),
        "evaluated_goals": evaluated,
        "absent_goals": [goal for goal in goals if not table[goal].support],
        "per_goal": {str(goal): {"support": c.support, "tp": c.tp, "fp": c.fp, "fn": c.fn,
                                 "precision": c.precision, "recall": c.recall, "f1": c.f1,
                                 "accuracy": c.accuracy} for goal, c in table.items()},
    }


def none_metrics(golds: Sequence[Sequence[str]], gold_goals: Sequence[Iterable[int]],
                 preds: Sequence[Sequence[str]], pred_goals: Sequence[Iterable[int]]) -> dict:
    """For texts with no gold challenges and no gold goals: how many got nothing back."""
    rows = [(pred, set(goals_)) for gold, gold_g, pred, goals_
            in zip(golds, gold_goals, preds, pred_goals, strict=True)
            if not gold and not set(gold_g)]
    count = len(rows)
    no_challenges = sum(not pred for pred, _ in rows)
    nothing = sum(not pred and not goals_ for pred, goals_ in rows)
    return {"texts": count, "no_challenges": no_challenges, "nothing": nothing,
            "no_challenges_share": no_challenges / count if count else 0.0,
            "nothing_share": nothing / count if count else 0.0}


# --- predictions -------------------------------------------------------------------------------

@dataclass
class Prediction:
    challenges: list[str]
    goals: set[int]
    seconds: float = 0.0
    raw: Result = field(default_factory=dict)


def goal_number(link: dict) -> int:
    notation = link.get("notation") or challenge_key(link["uri"])
    return int(str(notation).split(".")[0])


def to_prediction(result: Result, goal_threshold: float | None = None) -> Prediction:
    challenges = list(dict.fromkeys(challenge_key(link["uri"])
                                    for link in result.get("challenges", [])))
    goals = {goal_number(link) for link in result.get("goals", [])
             if goal_threshold is None or float(link.get("score", 0.0)) >= goal_threshold}
    return Prediction(challenges, goals, raw=result)


def predict(items: Sequence[dict], runner: Runner, *, goal_threshold: float | None = None,
            pass_lang: bool = True) -> list[Prediction]:
    out = []
    for item in items:
        start = time.perf_counter()
        result = runner(item["text"], item["lang"] if pass_lang else None)
        elapsed = time.perf_counter() - start
        prediction = to_prediction(result, goal_threshold)
        prediction.seconds = elapsed
        out.append(prediction)
    return out


def evaluate(items: Sequence[dict], predictions: Sequence[Prediction],
             neighbours: dict[str, set[str]]) -> dict:
    """All figures for these texts (one language or all)."""
    golds = [item["challenges"] for item in items]
    gold_goals = [item["goals"] for item in items]
    preds = [p.challenges for p in predictions]
    pred_goals = [p.goals for p in predictions]
    return {
        "texts": len(items),
        "labelled_texts": sum(bool(gold) for gold in golds),
        "challenges": {
            "precision_at_3": precision_at_k(golds, preds, 3),
            "recall_at_5": recall_at_k(golds, preds, 5),
            "hit_at_1": hit_at_1(golds, preds),
            "lenient_precision_at_3": precision_at_k(golds, preds, 3, neighbours),
            "lenient_recall_at_5": recall_at_k(golds, preds, 5, neighbours),
        },
        "none": none_metrics(golds, gold_goals, preds, pred_goals),
        "goals": goal_metrics(gold_goals, pred_goals),
    }


# --- runners -----------------------------------------------------------------------------------

class LabelBaseline:
    """BASELINE, not the linker: exact label substrings, a floor to report beside the linker.

    A challenge is found when one of its SKOS prefLabels or altLabels in the text's language
    occurs in the case-folded text starting at a word boundary ("arbetslösa" is found in
    "arbetslösas", "äldre" is not found in "föräldrar"); challenges are ranked by the number of
    their labels found, then by the length of the text matched. A goal is returned when its
    title (data/sdg/sdg-labels.csv) occurs in the same way, or when a found challenge has a
    ``seg:relatedSDGTarget`` of that goal (scored with the challenge's score, summed). No
    stemming, no curated terms, no definitions. Reads the source files, needs no build.
    """

    def __init__(self, challenges_ttl: Path = CHALLENGES_TTL, sdg_labels: Path = SDG_LABELS):
        graph = challenge_scheme(challenges_ttl)
        self.labels: dict[str, dict[str, list[str]]] = {}
        self.names: dict[str, dict[str, str]] = {}
        self.goals_of: dict[str, set[int]] = {}
        for concept in sorted(graph.subjects(RDF.type, SEG.SocietalChallenge)):
            key = challenge_key(concept)
            per_lang: dict[str, list[str]] = {lang: [] for lang in LANGS}
            for prop in (SKOS.prefLabel, SKOS.altLabel):
                for label in graph.objects(concept, prop):
                    if label.language in per_lang:
                        per_lang[label.language].append(str(label))
            self.labels[key] = per_lang
            self.names[key] = {label.language: str(label)
                               for label in graph.objects(concept, SKOS.prefLabel)}
            self.goals_of[key] = {int(challenge_key(target).split(".")[0])
                                  for target in graph.objects(concept, SEG.relatedSDGTarget)}
        self.goal_titles: dict[int, dict[str, str]] = {}
        with sdg_labels.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["kind"] == "goal":
                    self.goal_titles[int(row["notation"])] = {"sv": row["label_sv"],
                                                              "en": row["label_en"]}

    @staticmethod
    def find(label: str, text: str) -> str | None:
        match = re.search(r"(?<!\w)" + re.escape(label.casefold()) + r"\w*", text)
        return match.group(0) if match else None

    def __call__(self, text: str, lang: str | None) -> Result:
        lang = lang if lang in LANGS else "sv"
        folded = text.casefold()
        challenges = []
        for key, per_lang in self.labels.items():
            evidence = []
            for label in per_lang[lang]:
                found = self.find(label, folded)
                if found:
                    evidence.append({"text": found, "term": label, "source": "label",
                                     "lang": lang, "weight": 1.0})
            if evidence:
                score = float(len(evidence))
                challenges.append(({"uri": str(ID[f"challenge/{key}"]),
                                    "label": self.names[key].get(lang, key), "score": score,
                                    "evidence": evidence},
                                   sum(len(e["text"]) for e in evidence)))
        challenges.sort(key=lambda pair: (-pair[0]["score"], -pair[1], pair[0]["uri"]))
        goal_scores: dict[int, float] = {}
        goal_evidence: dict[int, list[dict]] = {}
        for goal, titles in self.goal_titles.items():
            found = self.find(titles[lang], folded)
            if found:
                goal_scores[goal] = goal_scores.get(goal, 0.0) + 1.0
                goal_evidence.setdefault(goal, []).append(
                    {"text": found, "term": titles[lang], "source": "officialTitle",
                     "lang": lang, "weight": 1.0})
        for link, _ in challenges:
            key = challenge_key(link["uri"])
            for goal in self.goals_of[key]:
                goal_scores[goal] = goal_scores.get(goal, 0.0) + link["score"]
                goal_evidence.setdefault(goal, []).append(
                    {"text": link["label"], "term": key, "source": "via-challenge",
                     "lang": lang, "weight": link["score"]})
        goals = [{"uri": str(ID[f"sdg/goal/{goal}"]), "label": self.goal_titles[goal][lang],
                  "score": score, "evidence": goal_evidence[goal], "notation": str(goal)}
                 for goal, score in sorted(goal_scores.items(), key=lambda kv: (-kv[1], kv[0]))]
        return {"lang": lang, "challenges": [link for link, _ in challenges][:10],
                "goals": goals[:10], "targets": []}


def http_runner(url: str, timeout: float = 30.0) -> Runner:
    endpoint = url.rstrip("/")
    if not endpoint.endswith("/api/link"):
        endpoint += "/api/link"

    def run(text: str, lang: str | None) -> Result:
        body = {"text": text} | ({"lang": lang} if lang else {})
        request = urllib.request.Request(
            endpoint, data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    return run


def in_process_runner(var: Path) -> Runner:
    """The linker on the build in ``var`` (built with ``segraph build`` when there is none)."""
    import pyoxigraph as ox

    from segraph.linking import Linker

    dump = var / "build" / "dumps" / "segraph.nq"
    if not dump.is_file():
        print(f"no build in {var}: running segraph build", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "segraph.cli", "build", "--project-dir",
                        str(PROJECT), "--var-dir", str(var), "--quiet"],
                       check=True, stdout=sys.stderr)
    store = ox.Store()
    store.load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    linker = Linker.from_store(store)
    return lambda text, lang: linker.link(text, lang, limit=10).to_json()


# --- report ------------------------------------------------------------------------------------

def score(items: Sequence[dict], predictions: Sequence[Prediction]) -> dict:
    neighbours = challenge_neighbours(challenge_scheme())
    figures = {"all": evaluate(items, predictions, neighbours)}
    for lang in LANGS:
        chosen = [i for i, item in enumerate(items) if item["lang"] == lang]
        figures[lang] = evaluate([items[i] for i in chosen], [predictions[i] for i in chosen],
                                 neighbours)
    seconds = sorted(p.seconds for p in predictions)
    if seconds:
        figures["ms_per_text"] = {
            "p50": 1000 * statistics.median(seconds),
            "p95": 1000 * seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))]}
    return figures


def _pct(value: float) -> str:
    return f"{100 * value:5.1f}"


def print_report(figures: dict, title: str, per_goal: bool = False) -> None:
    columns = ("all", *LANGS)
    print(title)
    print(f"{'':34}" + "".join(f"{c:>9}" for c in columns))

    def row(label: str, get: Callable[[dict], str]) -> None:
        print(f"{label:34}" + "".join(f"{get(figures[c]):>9}" for c in columns))

    row("texts (labelled / all)", lambda f: f"{f['labelled_texts']}/{f['texts']}")
    print("challenges (micro, labelled texts)")
    for key, label in (("precision_at_3", "  precision@3"), ("recall_at_5", "  recall@5"),
                       ("hit_at_1", "  hit@1"),
                       ("lenient_precision_at_3", "  precision@3, broader/narrower ok"),
                       ("lenient_recall_at_5", "  recall@5, broader/narrower ok")):
        row(label, lambda f, key=key: _pct(f["challenges"][key]))
    print("'none' texts")
    row("  no challenges returned", lambda f: f"{f['none']['no_challenges']}/{f['none']['texts']}")
    row("  nothing returned", lambda f: f"{f['none']['nothing']}/{f['none']['texts']}")
    print("SDG goals (all texts)")
    for key, label in (("macro_precision", "  macro precision"), ("macro_recall", "  macro recall"),
                       ("macro_f1", "  macro F1"), ("micro_precision", "  micro precision"),
                       ("micro_recall", "  micro recall"), ("micro_f1", "  micro F1"),
                       ("accuracy", "  average per-goal accuracy"),
                       ("empty_accuracy", "  ... of a linker returning no goals"),
                       ("balanced_accuracy", "  average per-goal balanced accuracy")):
        row(label, lambda f, key=key: _pct(f["goals"][key]))
    absent = figures["all"]["goals"]["absent_goals"]
    print("note: per-goal accuracy counts true negatives; with 1–4 of 17 goals per text even an\n"
          "      empty answer scores high (the line below it). Compare macro F1 and balanced\n"
          "      accuracy (50 % for an empty answer).")
    if absent:
        print(f"      goals without gold labels here (left out of the macro means): {absent}")
    if "ms_per_text" in figures:
        ms = figures["ms_per_text"]
        print(f"time per text: p50 {ms['p50']:.1f} ms, p95 {ms['p95']:.1f} ms "
              "(includes HTTP when --url)")
    if per_goal:
        print(f"\n{'goal':>4} {'support':>7} {'tp':>4} {'fp':>4} {'fn':>4} {'P':>6} {'R':>6} "
              f"{'F1':>6} {'acc':>6}")
        for goal, c in figures["all"]["goals"]["per_goal"].items():
            print(f"{goal:>4} {c['support']:>7} {c['tp']:>4} {c['fp']:>4} {c['fn']:>4} "
                  f"{_pct(c['precision']):>6} {_pct(c['recall']):>6} {_pct(c['f1']):>6} "
                  f"{_pct(c['accuracy']):>6}")


def error_lines(items: Sequence[dict], predictions: Sequence[Prediction]) -> list[str]:
    """One block per text with a wrong or missing challenge (top 3 / top 5) or goal."""
    lines = []
    for item, pred in zip(items, predictions, strict=True):
        gold = item["challenges"]
        top3, top5 = _top(pred.challenges, 3), _top(pred.challenges, 5)
        wrong = [c for c in top3 if c not in gold]
        missed = [c for c in gold if c not in top5]
        gold_goals = set(item["goals"])
        extra, lost = sorted(pred.goals - gold_goals), sorted(gold_goals - pred.goals)
        if not (wrong or missed or extra or lost):
            continue
        text = item["text"] if len(item["text"]) <= 110 else item["text"][:107] + "..."
        lines.append(f"{item['id']} ({item['kind']}): {text}")
        lines.append(f"    challenges gold [{', '.join(gold) or '–'}]  got "
                     f"[{', '.join(pred.challenges[:5]) or '–'}]"
                     + (f"  wrong in top 3: {', '.join(wrong)}" if wrong else "")
                     + (f"  missing from top 5: {', '.join(missed)}" if missed else ""))
        lines.append(f"    goals gold {sorted(gold_goals)}  got {sorted(pred.goals)}"
                     + (f"  extra: {extra}" if extra else "")
                     + (f"  missed: {lost}" if lost else ""))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score the text linker on the labelled set.")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--var", type=Path, default=PROJECT / "var",
                     help="in-process: the var directory of a build (default: the project's)")
    how.add_argument("--url", help="over HTTP: a running segraph, e.g. http://127.0.0.1:8000")
    how.add_argument("--baseline", choices=("labels",),
                     help="score a baseline instead of the linker (a floor, not segraph)")
    parser.add_argument("--goal-threshold", type=float, metavar="S",
                        help="count a returned goal only when its score >= S (default: all)")
    parser.add_argument("--no-lang", action="store_true",
                        help="do not pass the language; the linker detects it")
    parser.add_argument("--errors", action="store_true", help="list the texts with errors")
    parser.add_argument("--per-goal", action="store_true", help="print the per-goal table")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures as JSON")
    args = parser.parse_args(argv)

    items = load_split(args.split)
    if args.baseline:
        runner: Runner = LabelBaseline()
        what = "BASELINE labels (exact label substrings; not the linker)"
    elif args.url:
        runner, what = http_runner(args.url), f"POST {args.url.rstrip('/')}/api/link"
    else:
        try:
            runner = in_process_runner(args.var.resolve())
        except ImportError as exc:
            print(f"segraph.linking cannot be imported ({exc}); try --baseline labels",
                  file=sys.stderr)
            return 2
        what = "in-process Linker.from_store"
    predictions = predict(items, runner, goal_threshold=args.goal_threshold,
                          pass_lang=not args.no_lang)
    figures = score(items, predictions)
    threshold = "all returned goals" if args.goal_threshold is None \
        else f"goals scored >= {args.goal_threshold}"
    print_report(figures, f"split {args.split} · {what} · {threshold}"
                 + (" · language not passed" if args.no_lang else ""), args.per_goal)
    if args.errors:
        print()
        print("\n".join(error_lines(items, predictions)) or "no errors")
    if args.json:
        out = {"split": args.split, "runner": what, "goal_threshold": args.goal_threshold,
               "lang_passed": not args.no_lang, **figures,
               "texts": [{"id": item["id"], "challenges": p.challenges, "goals": sorted(p.goals)}
                         for item, p in zip(items, predictions, strict=True)]}
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
