"""The connection pool (runtime/web/pool.py) with real connections to the test cluster."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from tests.runtime.web.conftest import POOL, POSTGRES, TIMEOUT
from tests.runtime.web.pg_cluster import Cluster
from tests.runtime.web.test_postgres import connect


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def pool(pg: Cluster, **kwargs: Any) -> Any:
    return POOL.Pool(lambda: connect(pg), **kwargs)


def backend_pid(connection: Any) -> str:
    return str(connection.execute("SELECT pg_backend_pid()").rows[0][0])


def test_concurrent_work_shares_at_most_max_size_connections(pg: Cluster) -> None:
    connections = pool(pg, max_size=3)
    busy, peak, lock = [0], [0], threading.Lock()
    results: list[str] = []

    def work(connection: Any) -> str:
        with lock:
            busy[0] += 1
            peak[0] = max(peak[0], busy[0])
        try:
            return str(connection.execute("SELECT pg_sleep(0.05), 'done'").rows[0][1])
        finally:
            with lock:
                busy[0] -= 1

    threads = [threading.Thread(target=lambda: results.append(connections.run(work))) for _ in range(9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    try:
        assert results == ["done"] * 9
        assert peak[0] <= 3
        assert connections.opened <= 3
        assert connections.idle_count() == connections.opened
    finally:
        connections.close()
    assert connections.idle_count() == 0


def test_a_connection_is_reused(pg: Cluster) -> None:
    connections = pool(pg, max_size=2)
    try:
        assert connections.run(backend_pid) == connections.run(backend_pid)
        assert connections.opened == 1
    finally:
        connections.close()


def test_when_all_are_busy_a_request_waits_then_gives_up(pg: Cluster) -> None:
    connections = pool(pg, max_size=1, wait_seconds=0.1)
    holding, release = threading.Event(), threading.Event()

    def hold(connection: Any) -> None:
        holding.set()
        release.wait(TIMEOUT)

    holder = threading.Thread(target=connections.run, args=(hold,))
    holder.start()
    try:
        assert holding.wait(TIMEOUT)
        started = time.monotonic()
        with pytest.raises(POOL.PoolExhausted) as exhausted:
            connections.run(backend_pid)
        assert 0.09 < time.monotonic() - started < 1.0
        assert exhausted.value.reason == "all database connections are busy"
    finally:
        release.set()
        holder.join(TIMEOUT)
        connections.close()


def test_a_broken_connection_is_discarded_and_a_new_one_not_retried(pg: Cluster) -> None:
    connections = pool(pg, max_size=2)
    attempts: list[int] = []

    def die(connection: Any) -> None:
        attempts.append(1)
        connection.execute("SELECT pg_terminate_backend(pg_backend_pid())")

    try:
        with pytest.raises(POSTGRES.PostgresError, match="57P01"):
            connections.run(die)
        assert attempts == [1]  # a new connection that breaks is not tried again
        assert connections.idle_count() == 0
        connections.run(backend_pid)
        assert connections.opened == 2
    finally:
        connections.close()


def test_a_connection_left_in_a_transaction_is_discarded(pg: Cluster) -> None:
    connections = pool(pg, max_size=2)
    try:
        connections.run(lambda connection: connection.execute("BEGIN"))
        assert connections.idle_count() == 0
        assert connections.run(lambda connection: connection.transaction_status) == "I"
    finally:
        connections.close()


def test_an_error_keeps_a_sound_connection_in_the_pool(pg: Cluster) -> None:
    connections = pool(pg, max_size=2)
    try:
        with pytest.raises(POSTGRES.PostgresError):
            connections.run(lambda connection: connection.execute("SELECT 1 / 0"))
        assert connections.idle_count() == 1
    finally:
        connections.close()


def _three_idle(connections: Any) -> None:
    start = threading.Barrier(3)

    def park(connection: Any) -> None:
        start.wait(TIMEOUT)

    threads = [threading.Thread(target=connections.run, args=(park,)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert connections.idle_count() == 3


def test_idle_connections_that_the_server_ended_are_not_reused(pg: Cluster) -> None:
    connections = pool(pg, max_size=3)
    try:
        _three_idle(connections)
        # The server ends every session (a restart, a failover): each gets FATAL, then EOF.
        pg.sql("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = 'app'")
        attempts: list[int] = []

        def work(connection: Any) -> str:
            attempts.append(1)
            return backend_pid(connection)

        assert connections.run(work)
        assert len(attempts) == 1  # no attempt on a dead connection
        assert (connections.opened, connections.idle_count()) == (4, 1)
    finally:
        connections.close()


def test_a_reused_connection_that_breaks_is_replaced_and_the_work_runs_once_more(pg: Cluster) -> None:
    connections = pool(pg, max_size=3)
    try:
        _three_idle(connections)
        attempts: list[int] = []

        def work(connection: Any) -> str:
            attempts.append(1)
            if len(attempts) == 1:  # the session dies under the work
                connection.execute("SELECT pg_terminate_backend(pg_backend_pid())")
            return backend_pid(connection)

        assert connections.run(work)
        assert len(attempts) == 2  # on the reused connection, then on a new one
        assert (connections.opened, connections.idle_count()) == (4, 1)  # the other idle ones went too
    finally:
        connections.close()


def test_a_connection_idle_too_long_is_closed_not_reused(pg: Cluster) -> None:
    clock = FakeClock()
    connections = pool(pg, max_size=2, max_idle_seconds=60, clock=clock)
    try:
        first = connections.run(backend_pid)
        clock.now += 61
        assert connections.run(backend_pid) != first
        assert connections.opened == 2
    finally:
        connections.close()


def test_a_connection_in_use_at_close_is_closed_when_it_comes_back(pg: Cluster) -> None:
    connections = pool(pg, max_size=1)
    kept: list[Any] = []

    def close_meanwhile(connection: Any) -> None:
        kept.append(connection)
        connections.close()

    connections.run(close_meanwhile)

    assert kept[0].broken  # closed (Terminate sent), not put back
    assert connections.idle_count() == 0


def test_max_size_must_be_positive(pg: Cluster) -> None:
    with pytest.raises(ValueError, match="max_size must be 1 or more"):
        pool(pg, max_size=0)
