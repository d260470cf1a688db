"""Three builds into one var, giving two releases that differ in one English label (without
reasoning and matching, whose derived graphs would change with the label too)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from segraph.build import BuildResult, build
from segraph.releases import releases_dir
from segraph.settings import Paths

OLD = '"Socioeconomic disparities"@en'
NEW = '"Socio-economic disparities"@en'
CHALLENGE = "https://w3id.org/segraph/id/challenge/socioeconomic-gaps"


@dataclass
class History:
    paths: Paths
    first: BuildResult
    again: BuildResult
    changed: BuildResult
    first_json: bytes


def make_history(root: Path, project: Path) -> History:
    """The sources, the same sources again, then one English label changed in a copy."""
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(project / name, root / "project" / name)
    paths = Paths(project=root / "project", var=root / "var")
    first = build(paths, reason=False, match=False)
    first_json = (releases_dir(paths) / "1" / "release.json").read_bytes()
    again = build(paths, reason=False, match=False)
    challenges = paths.project / "data" / "challenges" / "challenges.ttl"
    text = challenges.read_text(encoding="utf-8")
    assert text.count(OLD) == 1
    challenges.write_text(text.replace(OLD, NEW), encoding="utf-8")
    changed = build(paths, reason=False, match=False)
    return History(paths, first, again, changed, first_json)
