"""One Store interface over the engines that hold the graph.

The embedded store (pyoxigraph, in memory or on disk) is the default; the build writes it and
``segraph query`` reads it. A remote SPARQL engine (``store_url``) is the other
implementation: the build loads it, ``segraph query`` asks it and ``segraph serve`` serves it
(through :class:`RemoteDataset`, which reads like a pyoxigraph Store).
"""

from __future__ import annotations

from segraph.store.base import QueryResult, Store
from segraph.store.embedded import EmbeddedStore
from segraph.store.remote import RemoteStore
from segraph.store.remote_dataset import RemoteDataset

__all__ = ["EmbeddedStore", "QueryResult", "RemoteDataset", "RemoteStore", "Store"]
