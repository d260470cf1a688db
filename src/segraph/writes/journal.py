"""The write journal: every accepted write, in order, in one append-only file.

A record is a header line ``segraph-journal 1 <length> <sha256>`` followed by ``length`` bytes
of JSON (who, when, the request, the removed and added quads as N-Quads) and a newline. A
write is accepted only once its record is on disk (``fsync``); the served graph is the built
graph with the journal replayed over it, so a restart, a new worker, or another server on the
same ``var/`` sees every accepted write and nothing else. A record cut short (the process was
killed while appending) fails its length or checksum: it is ignored when reading and cut off
before the next append. Writers take an exclusive lock on ``journal.lock`` for the whole
write, so writes are applied one at a time, each on the state the one before it left.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

MAGIC = b"segraph-journal 1 "


@dataclass
class Record:
    seq: int
    time: str  # ISO 8601, UTC
    agent: str  # the name the write token belongs to
    via: str  # "update", "PUT /data", "undo" …
    request: str  # the update text or a summary of the Graph Store request
    removed: str  # N-Quads
    added: str  # N-Quads
    graphs: list[str] = field(default_factory=list)
    undoes: int | None = None

    def quads(self) -> tuple[list[ox.Quad], list[ox.Quad]]:
        return _parse(self.removed), _parse(self.added)

    @property
    def counts(self) -> tuple[int, int]:
        return _count(self.removed), _count(self.added)


def _parse(text: str) -> list[ox.Quad]:
    return list(ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS)) if text else []


def _count(text: str) -> int:
    return text.count("\n") + (0 if not text or text.endswith("\n") else 1)


def nquads(quads: set[ox.Quad] | list[ox.Quad]) -> str:
    return ox.serialize(sorted(quads, key=str), format=ox.RdfFormat.N_QUADS).decode() \
        if quads else ""


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """The exclusive write lock (all processes on this ``var/``)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0

    def read(self, offset: int = 0) -> Iterator[tuple[Record, int]]:
        """The whole records from ``offset`` on, each with the offset after it; stops at the
        end or at a record cut short."""
        if not self.path.exists():
            return
        with open(self.path, "rb") as fh:
            fh.seek(offset)
            while True:
                header = fh.readline()
                if not header.startswith(MAGIC) or not header.endswith(b"\n"):
                    return
                try:
                    length_text, digest = header[len(MAGIC):].split()
                    length = int(length_text)
                except ValueError:
                    return
                payload = fh.read(length + 1)
                if len(payload) != length + 1 or payload[-1:] != b"\n" or \
                        hashlib.sha256(payload[:-1]).hexdigest().encode() != digest:
                    return
                offset += len(header) + length + 1
                yield Record(**json.loads(payload[:-1])), offset

    def records(self) -> list[Record]:
        return [record for record, _ in self.read()]

    def find(self, seq: int) -> Record | None:
        """Change ``seq``, read up to it (None: there is no such change)."""
        return next((record for record, _ in self.read() if record.seq == seq), None)

    def end(self) -> tuple[int, int]:
        """(the last sequence number, the offset after the last whole record)."""
        seq, offset = 0, 0
        for record, after in self.read():
            seq, offset = record.seq, after
        return seq, offset

    def truncate(self, offset: int) -> None:
        """Cut the journal back to ``offset`` (call under :meth:`locked`): a record whose
        write could not be applied is taken back."""
        with open(self.path, "r+b") as fh:
            fh.truncate(offset)
            os.fsync(fh.fileno())

    def append(self, record: Record, valid: int) -> int:
        """Write ``record`` after the whole records ending at offset ``valid`` and wait until
        it is on disk (call under :meth:`locked`, caught up to ``valid``); the offset after it.
        A cut-off tail left by a killed writer is removed first."""
        payload = json.dumps(asdict(record), ensure_ascii=False).encode()
        data = MAGIC + f"{len(payload)} {hashlib.sha256(payload).hexdigest()}\n".encode() + \
            payload + b"\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if os.fstat(fd).st_size != valid:
                os.ftruncate(fd, valid)
            os.lseek(fd, valid, os.SEEK_SET)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        return valid + len(data)
