"""A per-client token bucket shared by every worker process of the server.

The buckets live in an anonymous shared memory map created before the workers are forked, so
all workers see one budget per client. Clients are hashed into a fixed number of slots; two
clients that share a slot share a budget, which errs on the side of limiting.
"""

from __future__ import annotations

import hashlib
import math
import mmap
import multiprocessing
import struct
import time

SLOT = struct.Struct("dd")  # tokens, last refill time


class RateLimiter:
    def __init__(self, per_minute: int, *, burst: int | None = None, slots: int = 4096) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(burst if burst is not None else max(1, per_minute // 6))
        self.slots = slots
        self._memory = mmap.mmap(-1, SLOT.size * slots)
        self._lock = multiprocessing.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def _slot(self, client: str) -> int:
        digest = hashlib.blake2b(client.encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") % self.slots * SLOT.size

    def check(self, client: str, *, now: float | None = None) -> float:
        """0 when the request may go ahead (a token is taken), else seconds to wait."""
        if not self.enabled:
            return 0.0
        now = time.monotonic() if now is None else now
        offset = self._slot(client)
        with self._lock:
            tokens, last = SLOT.unpack_from(self._memory, offset)
            if last == 0.0:
                tokens = self.capacity
            else:
                tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                SLOT.pack_into(self._memory, offset, tokens - 1.0, now)
                return 0.0
            SLOT.pack_into(self._memory, offset, tokens, now)
            return (1.0 - tokens) / self.rate

    @staticmethod
    def retry_after(wait: float) -> int:
        return max(1, math.ceil(wait))
