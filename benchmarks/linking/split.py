"""The deterministic dev/test split of the labelled linking set.

Each text goes to a split by its id alone: ``sha256("<SALT>:<id>")``, first 8 hex digits as an
integer, modulo 100; below ``DEV_SHARE`` (60) it is in ``dev.jsonl``, else in ``test.jsonl``.
Adding texts never moves an existing one to the other split. ``SALT`` was chosen once, as the
first of ``linking-0``, ``linking-1``, ... for which :func:`balance_problems` found
nothing (57–63 % of all texts in dev, every language/"none" stratum 50–70 % in dev, at least
two "none" texts in each split, every challenge and goal of the set present in both splits);
it is never changed afterwards.

    python benchmarks/linking/split.py            # re-split dev.jsonl + test.jsonl in place
    python benchmarks/linking/split.py --check    # exit 1 when the files break the rule
    python benchmarks/linking/split.py --add FILE # add new texts (JSON lines) to the set
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPLITS = ("dev", "test")
SALT = "linking-71"
DEV_SHARE = 60


def split_of(item_id: str, salt: str = SALT) -> str:
    """``"dev"`` or ``"test"``: where the text with this id belongs."""
    digest = hashlib.sha256(f"{salt}:{item_id}".encode()).hexdigest()
    return "dev" if int(digest[:8], 16) % 100 < DEV_SHARE else "test"


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def write_jsonl(path: Path, items: Iterable[dict]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for item in items:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")


def read_set(directory: Path = HERE) -> dict[str, list[dict]]:
    """``{"dev": [...], "test": [...]}`` as stored."""
    return {name: read_jsonl(directory / f"{name}.jsonl") for name in SPLITS}


def assign(items: Iterable[dict], salt: str = SALT) -> dict[str, list[dict]]:
    """The items divided by :func:`split_of`, each split in id order (sv before en)."""
    out: dict[str, list[dict]] = {name: [] for name in SPLITS}
    for item in items:
        out[split_of(item["id"], salt)].append(item)
    for name in SPLITS:
        out[name].sort(key=lambda item: (item["lang"] != "sv", item["id"]))
    return out


def misplaced(stored: dict[str, list[dict]], salt: str = SALT) -> list[str]:
    """Ids stored in a split other than the one the rule gives."""
    return [f"{item['id']} is in {name}, belongs in {split_of(item['id'], salt)}"
            for name, items in stored.items() for item in items
            if split_of(item["id"], salt) != name]


def balance_problems(splits: dict[str, list[dict]]) -> list[str]:
    """What keeps a split from being usable (the criteria the salt was chosen by)."""
    problems = []
    everything = [item for items in splits.values() for item in items]
    share = len(splits["dev"]) / len(everything)
    if not 0.57 <= share <= 0.63:
        problems.append(f"{share:.0%} of all texts in dev")
    strata = Counter((item["lang"], item["kind"] == "none") for item in everything)
    dev = Counter((item["lang"], item["kind"] == "none") for item in splits["dev"])
    for stratum, total in sorted(strata.items()):
        share = dev[stratum] / total
        if not 0.5 <= share <= 0.7:
            problems.append(f"stratum {stratum}: {share:.0%} in dev")
    for name, items in splits.items():
        if sum(item["kind"] == "none" for item in items) < 2:
            problems.append(f"{name}: fewer than two 'none' texts")
    for field in ("challenges", "goals"):
        labels = {label for item in everything for label in item[field]}
        for name, items in splits.items():
            present = {label for item in items for label in item[field]}
            if labels - present:
                problems.append(f"{name} lacks {field} {sorted(labels - present)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    parser.add_argument("--add", metavar="FILE", type=Path, help="JSON lines to add to the set")
    args = parser.parse_args(argv)
    stored = read_set()
    if args.check:
        problems = misplaced(stored) + balance_problems(stored)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    items = [item for name in SPLITS for item in stored[name]]
    if args.add:
        known = {item["id"] for item in items}
        new = read_jsonl(args.add)
        clashes = sorted(known & {item["id"] for item in new})
        if clashes:
            parser.error(f"ids already in the set: {', '.join(clashes)}")
        items += new
    splits = assign(items)
    for name in SPLITS:
        write_jsonl(HERE / f"{name}.jsonl", splits[name])
    for problem in balance_problems(splits):
        print(f"warning: {problem}", file=sys.stderr)
    print(", ".join(f"{name}: {len(splits[name])}" for name in SPLITS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
