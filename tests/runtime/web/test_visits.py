"""The visits (runtime/web/visits.py): the real cluster, the stub Secrets Manager and the
stub metadata service, as the server uses them."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.runtime.web.conftest import CONTRACT, IMDS, TIMEOUT, VISITS, StubImds
from tests.runtime.web.pg_cluster import APP_PASSWORD, APP_USER, UNICODE_PASSWORD, UNICODE_USER, Cluster
from tests.runtime.web.stub_secrets_manager import StubSecretsManager
from tests.runtime.web.test_postgres import _closed_port

A = IMDS.Identity("eu-west-1a", "i-0aaaaaaaaaaaaaaaa", "eu-west-1")
B = IMDS.Identity("eu-west-1b", "i-0bbbbbbbbbbbbbbbb", "eu-west-1")
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def store(db_env: dict[str, str], imds: StubImds, ca_bundle: Path, **settings: str) -> Any:
    database = CONTRACT.DatabaseSettings.from_environ(db_env)._replace(**settings)
    return VISITS.open_store(database, db_env, IMDS.ImdsClient(imds.endpoint), ca_bundle)


@pytest.fixture
def visits(db_env: dict[str, str], imds: StubImds, pg: Cluster, fresh_table: None) -> Any:
    opened = store(db_env, imds, pg.ca_file)
    yield opened
    opened.close()


def table_exists(pg: Cluster) -> bool:
    return pg.sql(f"SELECT to_regclass('{VISITS.TABLE}') IS NOT NULL", database=pg.database).strip() == "t"


# ---------------------------------------------------------------- recording, reading


def test_nothing_is_contacted_before_the_first_use(
    db_env: dict[str, str], imds: StubImds, pg: Cluster, secrets_manager: StubSecretsManager, fresh_table: None
) -> None:
    store(db_env, imds, pg.ca_file).close()

    assert secrets_manager.requests == [] and imds.log == []
    assert not table_exists(pg)


def test_a_visit_is_recorded_and_counted(visits: Any, pg: Cluster) -> None:
    first = visits.record(A)
    second = visits.record(B)

    assert first.total == 1 and second.total == 2
    assert [(v.instance_id, v.availability_zone) for v in second.recent] == [
        (B.instance_id, B.availability_zone),
        (A.instance_id, A.availability_zone),
    ]
    assert all(TIME.fullmatch(visit.time) for visit in second.recent)
    assert table_exists(pg)


def test_two_instances_share_the_visits(visits: Any, db_env: dict[str, str], imds: StubImds, pg: Cluster) -> None:
    other_instance = store(db_env, imds, pg.ca_file)
    try:
        visits.record(A)
        other_instance.record(B)
        assert visits.summary().total == other_instance.summary().total == 2
        assert {v.instance_id for v in visits.summary().recent} == {A.instance_id, B.instance_id}
    finally:
        other_instance.close()


def test_a_summary_records_nothing_and_shows_the_latest_ten(visits: Any) -> None:
    assert visits.summary() == VISITS.Summary(0, [])
    for _ in range(12):
        visits.record(A)

    summary = visits.summary()

    assert summary.total == 12
    assert len(summary.recent) == VISITS.RECENT_COUNT == 10
    assert visits.summary().total == 12


def test_an_unknown_instance_is_recorded_as_unknown(visits: Any) -> None:
    (visit,) = visits.record(None).recent
    assert (visit.instance_id, visit.availability_zone) == (None, None)


# ------------------------------------------------------------------------- schema


def test_instances_starting_together_create_the_table_once(
    db_env: dict[str, str], imds: StubImds, pg: Cluster, fresh_table: None
) -> None:
    stores = [store(db_env, imds, pg.ca_file) for _ in range(6)]
    start = threading.Barrier(len(stores))
    outcomes: list[object] = []

    def first_use(visits: Any) -> None:
        start.wait(TIMEOUT)
        try:
            outcomes.append(visits.record(A).total)
        except VISITS.DatabaseUnavailable as error:
            outcomes.append(error)

    threads = [threading.Thread(target=first_use, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    for opened in stores:
        opened.close()

    # Each counted its own visit and those committed before it: no error, six visits.
    assert all(isinstance(total, int) and 1 <= total <= 6 for total in outcomes), outcomes
    assert len(outcomes) == 6
    assert pg.sql(f"SELECT count(*) FROM {VISITS.TABLE}", database=pg.database).strip() == "6"
    indexes = pg.sql(f"SELECT indexname FROM pg_indexes WHERE tablename = '{VISITS.TABLE}'", database=pg.database)
    assert sorted(indexes.split()) == [f"{VISITS.TABLE}_pkey", f"{VISITS.TABLE}_visited_at"]


def test_a_dropped_table_is_created_again_by_the_next_request(visits: Any, pg: Cluster) -> None:
    visits.record(A)
    pg.sql(f"DROP TABLE {VISITS.TABLE}", database=pg.database)

    with pytest.raises(VISITS.DatabaseUnavailable) as gone:
        visits.record(A)
    assert gone.value.reason == "the database refused the request (SQLSTATE 42P01)"
    assert visits.record(A).total == 1


# ----------------------------------------------------------------- the secret, failures


def test_a_rotated_password_is_read_again_once(visits: Any, pg: Cluster, secrets_manager: StubSecretsManager) -> None:
    visits.record(A)
    assert secrets_manager.reads() == 1
    try:
        # RDS rotates the password: the secret changes, and so does the role's password.
        pg.sql(f"ALTER ROLE {APP_USER} PASSWORD 'rotated-{APP_PASSWORD.replace(chr(39), chr(39) * 2)}'")
        secrets_manager.set_login(APP_USER, f"rotated-{APP_PASSWORD}")
        # Sessions already open survive a rotation; end them, so the next needs a login.
        pg.sql(f"SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = '{APP_USER}'")

        assert visits.record(A).total == 2
        assert secrets_manager.reads() == 2
        assert visits.record(A).total == 3
        assert secrets_manager.reads() == 2
    finally:
        pg.sql(f"ALTER ROLE {APP_USER} PASSWORD '{APP_PASSWORD.replace(chr(39), chr(39) * 2)}'")


def test_a_login_that_stays_wrong_is_read_again_once_per_attempt(
    visits: Any, secrets_manager: StubSecretsManager
) -> None:
    secrets_manager.set_login(APP_USER, "not-the-password")

    with pytest.raises(VISITS.DatabaseUnavailable) as refused:
        visits.record(A)

    assert refused.value.reason == "the database refused the login (SQLSTATE 28P01)"
    assert "not-the-password" not in str(refused.value)
    assert secrets_manager.reads() == 2


def test_a_user_without_rights_gets_the_database_s_refusal(visits: Any, secrets_manager: StubSecretsManager) -> None:
    # Another role may log in to the database, but not create the table in its schema.
    secrets_manager.set_login(UNICODE_USER, UNICODE_PASSWORD)

    with pytest.raises(VISITS.DatabaseUnavailable) as refused:
        visits.summary()

    assert refused.value.reason == "the database refused the request (SQLSTATE 42501)"
    assert visits.pool.idle_count() == 1  # after ROLLBACK, the connection is sound


@pytest.mark.parametrize(
    ("problem", "reason"),
    [
        ("secret unreadable", "the database secret could not be read (AccessDeniedException)"),
        ("port closed", "the connection to the database failed"),
        ("certificate untrusted", "the database's TLS certificate was not accepted"),
    ],
)
def test_every_failure_is_database_unavailable_with_a_reason(
    db_env: dict[str, str],
    imds: StubImds,
    pg: Cluster,
    secrets_manager: StubSecretsManager,
    problem: str,
    reason: str,
) -> None:
    settings: dict[str, str] = {}
    ca_bundle = pg.ca_file
    if problem == "secret unreadable":
        secrets_manager.fail = (400, "AccessDeniedException")
    elif problem == "port closed":
        settings["port"] = str(_closed_port())
    else:
        ca_bundle = pg.other_ca_file
    failing = store(db_env, imds, ca_bundle, **settings)

    with pytest.raises(VISITS.DatabaseUnavailable) as unavailable:
        failing.record(A)

    assert unavailable.value.reason == reason
    assert str(unavailable.value)  # the detail, for the log
    failing.close()
