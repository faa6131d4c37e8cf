"""A small thread-safe pool of PostgreSQL connections.

The server runs a thread per HTTP connection (``ThreadingHTTPServer``), so requests
share a few database connections rather than opening one each (a TLS handshake and a
SCRAM exchange, about 4096 PBKDF2 rounds on each side). At most ``max_size`` are open
at once; a request that finds them all busy waits up to ``wait_seconds``, then fails
with ``PoolExhausted`` rather than queueing without end.

A connection goes back to the pool only when it is sound (not ``broken``) and idle
(not inside a transaction); any other is closed. One that sat unused for
``max_idle_seconds``, or that the server wrote to while it sat (the ``FATAL`` error and
close of a session the server ended: a restart, a failover), is closed rather than
reused. When a reused connection breaks all the same, the other idle ones are closed
too (they most likely died with it), and the work runs once more on a new connection:
``run``'s work must be safe to repeat (the visits' insert is: the client picks its key).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Final, TypeVar

from postgres import Connection, DatabaseError

#: Longer than any pause between page views worth keeping a session open for.
MAX_IDLE_SECONDS: Final = 300.0
#: How long a request waits for a free connection.
WAIT_SECONDS: Final = 2.0
_T = TypeVar("_T")


class PoolExhausted(DatabaseError):
    def __init__(self, size: int, waited: float) -> None:
        super().__init__(f"all {size} database connections stayed busy for {waited} s")
        self.reason = "all database connections are busy"


class Pool:
    """Up to ``max_size`` connections from ``connect``, lent to one thread at a time by ``run``."""

    def __init__(
        self,
        connect: Callable[[], Connection],
        *,
        max_size: int,
        wait_seconds: float = WAIT_SECONDS,
        max_idle_seconds: float = MAX_IDLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_size < 1:
            raise ValueError(f"max_size must be 1 or more, got {max_size}")
        self.max_size = max_size
        self._connect = connect
        self._wait_seconds = wait_seconds
        self._max_idle_seconds = max_idle_seconds
        self._clock = clock
        self._slots = threading.BoundedSemaphore(max_size)
        self._lock = threading.Lock()
        self._idle: list[tuple[Connection, float]] = []  # the most recently returned last
        self._closed = False
        #: Connections opened so far (for the tests and the log).
        self.opened = 0

    def idle_count(self) -> int:
        with self._lock:
            return len(self._idle)

    def run(self, work: Callable[[Connection], _T]) -> _T:
        """``work(connection)`` on a pooled connection; once more on a new connection if
        a reused one turned out dead."""
        if not self._slots.acquire(timeout=self._wait_seconds):
            raise PoolExhausted(self.max_size, self._wait_seconds)
        try:
            connection = self._take_idle()
            if connection is not None:
                try:
                    return self._work_on(connection, work)
                except DatabaseError:
                    if not connection.broken:
                        raise  # the database answered: nothing to retry
                    self._close_all(self._drain_idle())  # they most likely died with it
            return self._work_on(self._open(), work)
        finally:
            self._slots.release()

    def _work_on(self, connection: Connection, work: Callable[[Connection], _T]) -> _T:
        try:
            return work(connection)
        finally:
            self._give_back(connection)

    def _open(self) -> Connection:
        connection = self._connect()
        with self._lock:
            self.opened += 1
        return connection

    def _take_idle(self) -> Connection | None:
        stale: list[Connection] = []
        found = None
        with self._lock:
            now = self._clock()
            while self._idle and found is None:
                connection, since = self._idle.pop()
                if now - since > self._max_idle_seconds or connection.unprompted():
                    stale.append(connection)
                else:
                    found = connection
            # Older ones than a stale one are stale too.
            while self._idle and now - self._idle[0][1] > self._max_idle_seconds:
                stale.append(self._idle.pop(0)[0])
        self._close_all(stale)  # outside the lock: closing writes to the network
        return found

    def _give_back(self, connection: Connection) -> None:
        with self._lock:
            if not (self._closed or connection.broken or connection.transaction_status != "I"):
                self._idle.append((connection, self._clock()))
                return
        connection.close()

    def _drain_idle(self) -> list[Connection]:
        with self._lock:
            idle, self._idle = [connection for connection, _ in self._idle], []
        return idle

    @staticmethod
    def _close_all(connections: list[Connection]) -> None:
        for connection in connections:
            connection.close()

    def close(self) -> None:
        """Closes the idle connections now, and each busy one when it comes back."""
        with self._lock:
            self._closed = True
        self._close_all(self._drain_idle())
