"""The visits: one table that every instance writes to and reads, in the shared database.

Each ``GET`` of the page records a visit (its time, by the database's clock, and the
instance and Availability Zone that served it) and reads back the total and the most
recent ones, so a person sees the load balancer spread requests over instances and
zones that share one database. Nothing a client sends is stored.

- **The table is created on first use**, never at startup: the server must start, and
  pass its health check, while the database is unreachable. Creation is idempotent
  (``IF NOT EXISTS``) and runs under a transaction-scoped advisory lock, because two
  instances creating the same table at once can otherwise fail (a unique violation in
  the catalog). If the table disappears, the next request creates it again.
- **The login comes from the RDS-managed secret** (``secrets_manager``), read on first
  use and kept. When the database refuses it (``28P01``/``28000``: RDS rotated the
  password), the secret is read again, once, and the connection tried once more.
- **Every failure becomes ``DatabaseUnavailable``**: ``reason`` is safe to show on the
  page, ``str()`` is the detail for the log.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final, NamedTuple, TypeVar

import contract
import postgres
import secrets_manager
from imds import Identity, ImdsClient
from pool import Pool
from postgres import Connection, DatabaseError, PostgresError
from secrets_manager import DatabaseSecret, Login, SecretError

TABLE: Final = "refarch_web_visits"
#: How many of the latest visits the page and ``/api/visits`` show.
RECENT_COUNT: Final = 10
#: pg_advisory_xact_lock's key for creating the table: "refarchw" as a 64-bit integer.
SCHEMA_LOCK_KEY: Final = int.from_bytes(b"refarchw", "big")
SCHEMA: Final = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    " id uuid PRIMARY KEY,"
    " visited_at timestamptz NOT NULL DEFAULT now(),"
    " instance_id text,"
    " availability_zone text)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_visited_at ON {TABLE} (visited_at DESC)",
)
#: The id is chosen here, so a retry on a new connection (``pool``) never counts twice.
INSERT: Final = (
    f"INSERT INTO {TABLE} (id, instance_id, availability_zone) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING"
)
COUNT: Final = f"SELECT count(*) FROM {TABLE}"
LATEST: Final = (
    """SELECT to_char(visited_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), instance_id, availability_zone"""
    f" FROM {TABLE} ORDER BY visited_at DESC, id LIMIT $1"
)
#: undefined_table: someone dropped it; the next request creates it again.
_UNDEFINED_TABLE: Final = "42P01"
_T = TypeVar("_T")


class Visit(NamedTuple):
    time: str
    instance_id: str | None
    availability_zone: str | None


class Summary(NamedTuple):
    total: int
    recent: list[Visit]


class DatabaseUnavailable(Exception):
    """The database could not be used: ``reason`` for anyone, ``str()`` for the log."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


class VisitStore:
    """Records and reads visits through a pool of connections to ``settings``' database."""

    def __init__(
        self,
        settings: contract.DatabaseSettings,
        secret: DatabaseSecret,
        connect: Callable[[Login], Connection],
        *,
        pool_size: int = contract.DB_POOL_SIZE,
    ) -> None:
        self.settings = settings
        self.secret = secret
        self._connect_as = connect
        self.pool = Pool(self._connect, max_size=pool_size)
        self._schema_lock = threading.Lock()
        self._schema_ready = False

    def _connect(self) -> Connection:
        login = self.secret.login()
        try:
            return self._connect_as(login)
        except PostgresError as error:
            if not error.is_auth_failure:
                raise
        # RDS rotated the password since the secret was read: read it again, once.
        return self._connect_as(self.secret.refresh(login))

    def _ensure_schema(self, connection: Connection) -> None:
        with self._schema_lock:
            if self._schema_ready:
                return
            connection.execute("BEGIN")
            try:
                connection.execute("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK_KEY])
                for statement in SCHEMA:
                    connection.execute(statement)
                connection.execute("COMMIT")
            except PostgresError:
                if not connection.broken:
                    connection.execute("ROLLBACK")  # back to idle: the pool keeps it
                raise
            self._schema_ready = True

    def _run(self, work: Callable[[Connection], _T]) -> _T:
        def with_schema(connection: Connection) -> _T:
            self._ensure_schema(connection)
            return work(connection)

        try:
            return self.pool.run(with_schema)
        except (DatabaseError, SecretError) as error:
            if isinstance(error, PostgresError) and error.sqlstate == _UNDEFINED_TABLE:
                with self._schema_lock:
                    self._schema_ready = False
            raise DatabaseUnavailable(error.reason, str(error)) from None

    @staticmethod
    def _summary(connection: Connection) -> Summary:
        (total,) = connection.execute(COUNT).rows[0]
        recent = [Visit(*row) for row in connection.execute(LATEST, [RECENT_COUNT]).rows]
        return Summary(int(total or 0), recent)  # type: ignore[arg-type]

    def record(self, served_by: Identity | None) -> Summary:
        """Records a visit served by this instance (unknown: ``None``); the summary that includes it."""
        visit_id = str(uuid.uuid4())
        instance_id = served_by.instance_id if served_by else None
        zone = served_by.availability_zone if served_by else None

        def work(connection: Connection) -> Summary:
            connection.execute(INSERT, [visit_id, instance_id, zone])
            return self._summary(connection)

        return self._run(work)

    def summary(self) -> Summary:
        """The total and the latest visits, recording none."""
        return self._run(self._summary)

    def close(self) -> None:
        self.pool.close()


def open_store(
    settings: contract.DatabaseSettings,
    environ: Mapping[str, str],
    imds: ImdsClient,
    ca_bundle: Path,
    *,
    application_name: str = contract.SERVICE_NAME,
) -> VisitStore:
    """The store for ``settings``, reading the secret with the instance role's
    credentials and trusting only ``ca_bundle``. Nothing is contacted yet."""
    endpoint = environ.get(contract.ENV_SECRETS_MANAGER_ENDPOINT, "").strip()
    client = secrets_manager.SecretsManagerClient(
        endpoint or secrets_manager.default_endpoint(settings.region),
        settings.region,
        secrets_manager.instance_role_credentials(imds),
    )
    tls = postgres.tls_context(str(ca_bundle))
    # The server cancels a slow statement a second before the client would give up,
    # so the connection survives it.
    session = {
        "application_name": application_name,
        "statement_timeout": str(int((contract.DB_TIMEOUT_SECONDS - 1) * 1000)),
    }

    def connect(login: Login) -> Connection:
        return postgres.connect(
            settings.host,
            int(settings.port),
            user=login.username,
            password=login.password,
            database=settings.name,
            ssl_context=tls,
            connect_timeout=contract.DB_CONNECT_TIMEOUT_SECONDS,
            timeout=contract.DB_TIMEOUT_SECONDS,
            parameters=session,
        )

    return VisitStore(settings, DatabaseSecret(client, settings.secret_arn), connect)
