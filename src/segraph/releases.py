"""Dated, numbered releases of the dataset under ``<var>/releases/<N>/``, and what changed
between two of them.

Every successful build whose content (the sha256 of its canonical N-Quads dump) differs from the
latest release becomes release N+1: the five gzip dumps, ``SHA256SUMS`` and ``release.json``
(number, date, issued, version, content, quads per named graph, and per file its media type,
compression, size and sha256). A build with the same content makes no release. A release is
never rewritten: it is assembled in a staging directory and appears with one rename, and its
files are made read-only. Its canonical IRI is ``https://w3id.org/segraph/releases/N/``.

The diff of two releases compares their N-Quads dumps graph by graph. Blank nodes are compared
by their canonical labels, so a changed blank-node structure shows as removed and added triples.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from segraph import __version__
from segraph.dumps import CHECKSUMS, DUMP_NAME, Dumps, checksums_text, graph_name
from segraph.namespaces import BASE
from segraph.settings import Paths

RELEASE_JSON = "release.json"
NUMBER = re.compile(r"[1-9][0-9]{0,8}")
LICENSE = "CC BY 4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
NQUADS_DUMP = f"{DUMP_NAME}.nq.gz"


class ReleaseNotFound(LookupError):
    """No such release (or no such file in it); the message says what exists."""


@dataclass(frozen=True)
class Release:
    """One release, as in its ``release.json``, plus where it lies."""

    number: int
    date: str  # YYYY-MM-DD (UTC)
    issued: str  # YYYY-MM-DDTHH:MM:SSZ
    version: str  # the segraph package version that built it
    content: str  # sha256 of the uncompressed N-Quads dump
    graphs: dict[str, int]  # named graph -> quads
    files: dict[str, dict[str, Any]]  # file -> media_type, compression, bytes, sha256
    directory: Path

    @property
    def iri(self) -> str:
        """The canonical IRI, e.g. ``https://w3id.org/segraph/releases/3/``."""
        return f"{BASE}releases/{self.number}/"

    @property
    def quads(self) -> int:
        return sum(self.graphs.values())

    def file(self, name: str) -> Path:
        """The path of one of the release's files (a dump, SHA256SUMS or release.json); any
        other name raises :class:`ReleaseNotFound`, so no path outside the release is reachable.
        """
        if name in self.files or name in (CHECKSUMS, RELEASE_JSON):
            return self.directory / name
        raise ReleaseNotFound(
            f"release {self.number} has no file {name!r}; it has "
            f"{', '.join([*self.files, CHECKSUMS, RELEASE_JSON])}")

    def to_dict(self) -> dict[str, Any]:
        """The ``release.json`` fields (without the directory)."""
        data = asdict(self)
        del data["directory"]
        return data

    def citation(self, lang: str = "en") -> str:
        word = "utgåva" if lang == "sv" else "release"
        return f"segraph, {word} {self.number} ({self.date}), {self.iri}, {LICENSE}"


def releases_dir(paths: Paths) -> Path:
    return paths.var / "releases"


def _read(directory: Path) -> Release | None:
    try:
        data = json.loads((directory / RELEASE_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    names = {f.name for f in fields(Release)} - {"directory"}
    if not names <= set(data) or data.get("number") != int(directory.name):
        return None
    return Release(directory=directory, **{k: data[k] for k in names})


def list_releases(paths: Paths) -> list[Release]:
    """Every release under ``<var>/releases``, oldest first."""
    root = releases_dir(paths)
    if not root.is_dir():
        return []
    found = (_read(d) for d in root.iterdir() if NUMBER.fullmatch(d.name) and d.is_dir())
    return sorted((r for r in found if r is not None), key=lambda r: r.number)


def latest_release(paths: Paths) -> Release | None:
    releases = list_releases(paths)
    return releases[-1] if releases else None


def get_release(paths: Paths, number: int) -> Release:
    directory = releases_dir(paths) / str(int(number))
    release = _read(directory) if int(number) > 0 else None
    if release is None:
        known = [r.number for r in list_releases(paths)]
        raise ReleaseNotFound(
            f"there is no release {number}; "
            + (_span(known) if known else "there are no releases yet (each `segraph build` "
               "with new content makes one)"))
    return release


def _span(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"the only release is {numbers[0]}"
    return f"the releases are {numbers[0]}–{numbers[-1]}"


def publish(paths: Paths, dumps: Dumps, *, now: datetime | None = None) -> tuple[Release, bool]:
    """Make ``dumps`` release N+1 unless the latest release has the same content.

    Returns the release and whether it is new. The release appears with one rename of a
    complete staging directory; a concurrent build that took the number first is seen, and the
    next number is tried.
    """
    root = releases_dir(paths)
    root.mkdir(parents=True, exist_ok=True)
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    while True:
        latest = latest_release(paths)
        if latest is not None and latest.content == dumps.content:
            return latest, False
        number = latest.number + 1 if latest else 1
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
        try:
            release = _stage(staging, number, dumps, moment)
            try:
                staging.rename(root / str(number))
            except OSError:
                if not (root / str(number)).exists():
                    raise
                shutil.rmtree(staging, ignore_errors=True)
                continue  # another build published this number first
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return replace(release, directory=root / str(number)), True


def _stage(staging: Path, number: int, dumps: Dumps, moment: datetime) -> Release:
    for name in dumps.files:
        shutil.copyfile(dumps.directory / name, staging / name)
    (staging / CHECKSUMS).write_text(checksums_text(dumps.checksums), encoding="ascii")
    release = Release(number=number, date=moment.strftime("%Y-%m-%d"),
                      issued=moment.strftime("%Y-%m-%dT%H:%M:%SZ"), version=__version__,
                      content=dumps.content, graphs=dict(dumps.graphs),
                      files={name: dict(info) for name, info in dumps.files.items()},
                      directory=staging)
    (staging / RELEASE_JSON).write_text(
        json.dumps(release.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for path in staging.iterdir():
        with open(path, "rb") as fh:
            os.fsync(fh.fileno())
        path.chmod(0o444)
    staging.chmod(0o755)
    return release


# --- what changed between two releases -----------------------------------------------------


@dataclass(frozen=True)
class GraphChange:
    """The triples one named graph lost and gained (N-Triples lines, sorted)."""

    graph: str  # short name, e.g. "challenges"
    iri: str  # the graph's IRI ("" for the default graph)
    removed: tuple[str, ...]
    added: tuple[str, ...]


@dataclass(frozen=True)
class ReleaseDiff:
    old: Release
    new: Release
    graphs: tuple[GraphChange, ...]  # graphs with a change, by name

    @property
    def added(self) -> int:
        return sum(len(g.added) for g in self.graphs)

    @property
    def removed(self) -> int:
        return sum(len(g.removed) for g in self.graphs)

    def summary(self) -> dict[str, dict[str, int]]:
        return {g.graph: {"removed": len(g.removed), "added": len(g.added)} for g in self.graphs}

    def to_json(self) -> dict[str, Any]:
        return {
            "from": {"number": self.old.number, "date": self.old.date, "iri": self.old.iri},
            "to": {"number": self.new.number, "date": self.new.date, "iri": self.new.iri},
            "removed": self.removed, "added": self.added,
            "graphs": {g.graph: {"iri": g.iri, "removed": list(g.removed), "added": list(g.added)}
                       for g in self.graphs},
        }

    def to_nquads(self, change: str | None = None) -> str:
        """The changes as N-Quads: a ``# removed`` section, then ``# added`` (comments, so the
        text parses as N-Quads); ``change`` = "removed" or "added" gives one section only."""
        lines = [f"# segraph: changes from release {self.old.number} ({self.old.date}) "
                 f"to release {self.new.number} ({self.new.date})"]
        for kind in ("removed", "added"):
            if change not in (None, kind):
                continue
            total = self.removed if kind == "removed" else self.added
            lines.append(f"# {kind}: {total} quad(s)")
            for g in self.graphs:
                graph = f" <{g.iri}>" if g.iri else ""
                lines.extend(f"{triple[:-2]}{graph} ." for triple in getattr(g, kind))
        return "\n".join(lines) + "\n"


@functools.lru_cache(maxsize=4)
def _quads(path: Path, content: str) -> dict[tuple[str, str], frozenset[str]]:
    """(graph name, graph IRI) -> the graph's triples as N-Triples lines; cached per release
    (``content`` keys the cache: a release never changes)."""
    graphs: dict[tuple[str, str], set[str]] = {}
    with gzip.open(path, "rb") as fh:
        for quad in ox.parse(fh, format=ox.RdfFormat.N_QUADS):
            iri = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
            graphs.setdefault((graph_name(quad.graph_name), iri), set()).add(f"{quad.triple} .")
    return {key: frozenset(triples) for key, triples in graphs.items()}


def diff(old: Release, new: Release) -> ReleaseDiff:
    """The triples removed and added per named graph from release ``old`` to ``new``."""
    before = _quads(old.file(NQUADS_DUMP), old.content)
    after = _quads(new.file(NQUADS_DUMP), new.content)
    changes = []
    for key in sorted(set(before) | set(after)):
        removed = before.get(key, frozenset()) - after.get(key, frozenset())
        added = after.get(key, frozenset()) - before.get(key, frozenset())
        if removed or added:
            changes.append(GraphChange(graph=key[0], iri=key[1], removed=tuple(sorted(removed)),
                                       added=tuple(sorted(added))))
    return ReleaseDiff(old=old, new=new, graphs=tuple(changes))

