"""What every store shares: one database connection used under one lock, closed with the store."""

from __future__ import annotations

import threading
from typing import Any, Self


class LockedConnection:
    """A store's connection (`conn`) and the lock every use of it takes (`_lock`); a store is closed
    once with `close()` or by leaving a `with` block."""

    conn: Any
    _lock: threading.RLock

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
