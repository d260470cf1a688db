"""Every setting in one table: name, default, help.

Layers: defaults < config file < ``SEGRAPH_*`` environment variables < command-line flags.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("project_dir", ".", "Directory holding ontology/, shapes/ and data/ (the sources)."),
    Setting("var_dir", "var", "Directory for build output: the store, dumps, releases, imports."),
    Setting("store", "", "Store directory (default: <var_dir>/build/store)."),
    Setting("store_url", "", "SPARQL query endpoint of a remote engine (Oxigraph server, "
            "Virtuoso …); empty: the embedded store. `build` loads it, `query` asks it."),
    Setting("store_update_url", "", "SPARQL Update endpoint of the remote engine."),
    Setting("store_graph_url", "", "Graph Store Protocol endpoint of the remote engine (bulk "
            "loading; without it, INSERT DATA in chunks)."),
    Setting("store_user", "", "User for the remote engine (HTTP basic or digest, as it asks)."),
    Setting("store_password", "", "Password for the remote engine."),
    Setting("java", "java", "Java executable used by the HermiT reasoner."),
    Setting("validator", "turbo", "SHACL engine: turbo (pyshacl-turbo, fast) or pyshacl."),
    Setting("host", "127.0.0.1", "Address the server listens on."),
    Setting("port", 8000, "Port the server listens on."),
    Setting("workers", 4, "Server worker processes (each answers one request at a time)."),
    Setting("query_timeout", 30.0, "Seconds a query may run before it is stopped."),
    Setting("query_memory", 2048, "Megabytes a query may use beyond the shared graph (0: no "
            "limit); past it the query is stopped."),
    Setting("max_rows", 10000, "Most result rows (or triples) returned; more are cut, and said."),
    Setting("max_query_length", 20000, "Longest query text accepted, in characters."),
    Setting("max_text_length", 10000, "Longest description /api/link, /api/match and the "
            "/match page accept, in characters (413 beyond)."),
    Setting("rate_limit", 600, "Requests per minute per client (0: no limit); 429 beyond it."),
    Setting("data", [], "RDF files served beside the built graph (named graph graph/local)."),
    Setting("base_uri", "https://w3id.org/segraph/", "Base of the resource URIs the server "
            "answers for: /id/X is <base_uri>id/X (the served graph is rebased onto it)."),
    Setting("write_token", "", "Bearer token(s) for writes (/update, /data, undo): TOKEN, or "
            "NAME:TOKEN entries separated by commas, NAME being who the history says wrote. "
            "Empty: writes are off."),
    Setting("write_timeout", 120.0, "Seconds a write that reads the data (a WHERE, DELETE "
            "DATA, a graph to copy) may take to be worked out and checked against the shapes "
            "before it is stopped (nothing is changed then)."),
    Setting("max_write_size", 64, "Largest write request body accepted, in megabytes (413 "
            "beyond)."),
    Setting("publisher_name", "segraph", "Publisher and contact name in the DCAT-AP catalogue."),
    Setting("publisher_type", "NonProfitOrganisation",
            "ADMS publisher type of the publisher (e.g. LocalAuthority, NationalAuthority)."),
    Setting("contact_email", "", "Contact e-mail in the DCAT-AP catalogue (dataportal.se wants "
            "one)."),
    Setting("contact_url", "https://w3id.org/segraph/",
            "Contact web page in the DCAT-AP catalogue."),
)

CONFIG_FILE_NAMES = ("segraph.toml",)


def _coerce(value: str, default: Any) -> Any:
    if isinstance(default, list):
        return [v for v in value.split(",") if v]
    if isinstance(default, bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return value


def load_settings(
    overrides: dict[str, Any] | None = None,
    *,
    config_file: str | Path | None = None,
    environ: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Resolve every setting: defaults, then the config file, then ``SEGRAPH_*``, then overrides.

    The config file is ``config_file``, else ``$SEGRAPH_CONFIG``, else ``./segraph.toml``.
    Unknown keys in the file are an error, so a typo does not pass silently.
    """
    env = os.environ if environ is None else environ
    values = {s.name: s.default for s in SETTINGS}
    path = config_file or env.get("SEGRAPH_CONFIG")
    if path is None:
        path = next((Path(n) for n in CONFIG_FILE_NAMES if Path(n).is_file()), None)
    if path is not None:
        with open(path, "rb") as fh:
            data = tomllib.load(fh).get("segraph", {})
        unknown = sorted(set(data) - set(values))
        if unknown:
            raise ValueError(f"{path}: unknown setting(s) {', '.join(unknown)}; "
                             f"known: {', '.join(sorted(values))}")
        values.update(data)
    for setting in SETTINGS:
        key = "SEGRAPH_" + setting.name.upper()
        if key in env:
            values[setting.name] = _coerce(env[key], setting.default)
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = value
    return values


@dataclass(frozen=True)
class Paths:
    """Where a build reads its sources and writes its artifact."""

    project: Path
    var: Path
    store_override: Path | None = None

    @property
    def build(self) -> Path:
        return self.var / "build"

    @property
    def store(self) -> Path:
        return self.store_override or self.build / "store"

    @property
    def dumps(self) -> Path:
        return self.build / "dumps"

    @property
    def imports(self) -> Path:
        return self.var / "imports"

    def build_info(self, sources: list[str]) -> dict[str, Any]:
        """``build-info.json`` of the build, when ``sources`` (what a server serves) begin with
        this build's dump; else (another store, a remote engine, no build) empty."""
        if not sources or not sources[0].startswith(str(self.build)):
            return {}
        try:
            info = json.loads((self.build / "build-info.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return info if isinstance(info, dict) else {}

    @property
    def journal(self) -> Path:
        """The journal of accepted writes (:mod:`segraph.writes.journal`)."""
        return self.var / "writes" / "journal"

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Paths:
        project = Path(settings["project_dir"]).resolve()
        var = Path(settings["var_dir"])
        if not var.is_absolute():
            var = project / var
        store = Path(settings["store"]).resolve() if settings.get("store") else None
        return cls(project=project, var=var, store_override=store)
