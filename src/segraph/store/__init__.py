"""One Store interface over the engines that hold the graph.

The embedded store (pyoxigraph, in memory or on disk) is the default; the build writes it and
``segraph query`` reads it. A remote SPARQL engine (``store_url``) is the other
implementation: the build loads it and ``segraph query`` asks it.
"""

from __future__ import annotations

from segraph.store.base import QueryResult, Store
from segraph.store.embedded import EmbeddedStore
from segraph.store.remote import RemoteStore

__all__ = ["EmbeddedStore", "QueryResult", "RemoteStore", "Store"]
