"""What the web tier's infrastructure and its application must agree on, defined once.

- Where the application listens and what the load balancer checks: ``PORT``,
  ``BIND_ADDRESS``, ``HEALTH_PATH``, ``PAGE_PATH``.
- How it is installed on an instance: the files (``APP_FILES``, ``INSTALL_SCRIPT``,
  ``UNIT_NAME``), where they go (``INSTALL_DIR``, ``UNIT_PATH``,
  ``ENVIRONMENT_FILE``), the interpreter (``PYTHON``, at least ``MIN_PYTHON``), and
  the commands that user data runs once it has downloaded the asset
  (``install_commands``, with ``ASSET_ZIP`` and ``UNPACK_DIR``).
- ``ENV_*``: the environment variables that the service reads (``install.sh`` writes
  the stage, the application name and the database settings into ``ENVIRONMENT_FILE``,
  which the systemd unit reads).
- The database: ``DatabaseSettings`` (``DATABASE_VARIABLES``, all or none of them) and
  the RDS CA bundle shipped beside the server (``CA_BUNDLE``). The database's name is
  the stack's (RDS ``database_name``), passed in ``ENV_DB_NAME``: no default here.
- Timings and sizes that the infrastructure must fit around: ``KEEP_ALIVE_SECONDS``,
  ``DRAIN_SECONDS``, ``IMDS_TIMEOUT_SECONDS``, ``DB_*``.

Both sides use this file. ``server.py`` imports it as the top-level module
``contract``, because the two are installed side by side. The CDK construct loads it
by file path (``importlib.util.spec_from_file_location``). So it imports only the
standard library and nothing from this folder.

It runs on the python3 of Amazon Linux 2023 (3.9) as well as on the project's
Python: nothing here may need a newer version (tests/runtime/web checks it).
``install.sh`` and ``refarch-web.service`` spell some of these values again, because
neither can import Python; tests/runtime/web checks that they agree.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from typing import Final, NamedTuple

# --------------------------------------------------------------------------- names

#: The service's name: the systemd unit's stem, the HTTP ``Server`` header, the
#: default application name on the page.
SERVICE_NAME: Final = "refarch-web"
#: The systemd unit. The file of that name in this folder is the unit itself.
UNIT_NAME: Final = f"{SERVICE_NAME}.service"

# ---------------------------------------------------------------------- networking

#: The port the application listens on: the target group's port and health-check
#: port. Above 1023, so the service needs no capability to bind it.
PORT: Final = 8080
#: Every IPv4 address of the instance: the load balancer reaches it on its private one.
BIND_ADDRESS: Final = "0.0.0.0"
#: The load balancer's health check: ``GET`` answers 200 with a JSON document whenever
#: the process serves requests, also when the instance metadata service cannot be read.
HEALTH_PATH: Final = "/health"
#: The HTML page that says which instance and Availability Zone answered, and (with a
#: database) records the visit and lists the latest ones.
PAGE_PATH: Final = "/"
#: The visits as JSON, read only: ``{"total": N, "recent": [...]}``.
VISITS_API_PATH: Final = "/api/visits"
#: How long an idle keep-alive connection stays open (seconds). Longer than the
#: load balancer's idle timeout (60 s by default), as AWS recommends for targets,
#: so the load balancer, not the target, closes idle connections.
KEEP_ALIVE_SECONDS: Final = 65
#: After SIGTERM, how long the application waits for requests in flight (seconds).
#: The unit's ``TimeoutStopSec`` is longer, so systemd never kills a draining process.
DRAIN_SECONDS: Final = 10
#: Timeout of each request to the instance metadata service (seconds). The server
#: reads the instance's identity there until it succeeds once (then keeps it), at most
#: once per 5 seconds, with two requests (token, then document); so ``/health``
#: answers within ``2 * IMDS_TIMEOUT_SECONDS`` plus processing: keep the target
#: group's health-check timeout at 3 seconds or more (its default is 5).
IMDS_TIMEOUT_SECONDS: Final = 1.0

# --------------------------------------------------------------------- environment

#: The stage (``sandbox``, ``production``, ...), shown on the page and in ``/health``.
ENV_STAGE: Final = "REFARCH_WEB_STAGE"
#: The application's name, shown on the page and in ``/health``.
ENV_APP_NAME: Final = "REFARCH_WEB_APP_NAME"
#: The two above are optional: unset or empty, the application shows these.
DEFAULT_STAGE: Final = "local"
DEFAULT_APP_NAME: Final = SERVICE_NAME
#: What the stage and the application name may hold (``install.sh`` refuses anything
#: else): letters, digits, ``.``, ``_`` and ``-``, up to ``SETTING_MAX_LENGTH`` of them.
SETTING_CHARACTERS: Final = "A-Za-z0-9._-"
SETTING_MAX_LENGTH: Final = 64
#: The instance metadata service's base URL (default ``http://169.254.169.254``) and
#: the switch that turns its use off (``true``): the AWS SDKs' own variable names. The
#: unit sets neither; tests point the first at a local stub.
ENV_IMDS_ENDPOINT: Final = "AWS_EC2_METADATA_SERVICE_ENDPOINT"
ENV_IMDS_DISABLED: Final = "AWS_EC2_METADATA_DISABLED"

# ------------------------------------------------------------------------ database

#: Where the visits are kept: the RDS instance's endpoint and port, the database's name,
#: the ARN of the RDS-managed master secret in Secrets Manager (``{"username",
#: "password"}``, rotated by RDS every 7 days) and the region of the secret. All five,
#: or none: without them the page works and says that no database is configured (the
#: web tier on its own, a laptop). ``install.sh`` refuses some without the others, and
#: anything outside ``DatabaseSettings.check``'s character sets.
ENV_DB_HOST: Final = "REFARCH_WEB_DB_HOST"
ENV_DB_PORT: Final = "REFARCH_WEB_DB_PORT"
ENV_DB_NAME: Final = "REFARCH_WEB_DB_NAME"
ENV_DB_SECRET_ARN: Final = "REFARCH_WEB_DB_SECRET_ARN"
ENV_AWS_REGION: Final = "REFARCH_WEB_AWS_REGION"
DATABASE_VARIABLES: Final = (ENV_DB_HOST, ENV_DB_PORT, ENV_DB_NAME, ENV_DB_SECRET_ARN, ENV_AWS_REGION)
#: The Secrets Manager endpoint, instead of ``https://secretsmanager.<region>.amazonaws.com``:
#: the AWS SDKs' variable. The unit never sets it; tests point it at a local stub.
ENV_SECRETS_MANAGER_ENDPOINT: Final = "AWS_ENDPOINT_URL_SECRETS_MANAGER"
#: The Amazon RDS certificate authorities, installed beside the server: RDS server
#: certificates chain to them, and no public trust store holds them.
CA_BUNDLE: Final = "rds-ca-bundle.pem"
#: Database connections per instance, at most (a pool shared by the request threads):
#: the database's ``max_connections`` must exceed this times the group's maximum size.
DB_POOL_SIZE: Final = 4
#: Timeouts (seconds): each step of opening a connection (TCP, TLS, each login message),
#: every later read or write (the session's ``statement_timeout`` is a second shorter,
#: so the server cancels first), each request to Secrets Manager.
DB_CONNECT_TIMEOUT_SECONDS: Final = 3.0
DB_TIMEOUT_SECONDS: Final = 5.0
SECRETS_MANAGER_TIMEOUT_SECONDS: Final = 3.0

# ---------------------------------------------------------------------- installation

#: The python3 of Amazon Linux 2023 (3.9.x); the unit runs the server with it.
PYTHON: Final = "/usr/bin/python3"
MIN_PYTHON: Final = (3, 9)
#: The application's files, copied from this folder into ``INSTALL_DIR``. The server
#: is ``ENTRY_POINT``: ``python3 server.py [--host H] [--port P]`` (or ``-m server``).
ENTRY_POINT: Final = "server.py"
APP_FILES: Final = (
    ENTRY_POINT,
    "contract.py",
    "imds.py",
    "sigv4.py",
    "secrets_manager.py",
    "scram.py",
    "pgwire.py",
    "postgres.py",
    "pool.py",
    "visits.py",
    "page.py",
    CA_BUNDLE,
)
#: Installs ``APP_FILES``, the unit and the environment file, then (re)starts the
#: service. Run as root with ``sh``; idempotent.
INSTALL_SCRIPT: Final = "install.sh"
INSTALL_DIR: Final = "/opt/refarch-web"
UNIT_PATH: Final = f"/etc/systemd/system/{UNIT_NAME}"
#: ``KEY=value`` lines for ``ENV_STAGE``, ``ENV_APP_NAME`` and, when given,
#: ``DATABASE_VARIABLES``, written by ``install.sh``.
ENVIRONMENT_FILE: Final = f"/etc/sysconfig/{SERVICE_NAME}"
#: Where user data downloads the S3 asset (a zip of this folder) and unpacks it.
ASSET_ZIP: Final = "/var/tmp/refarch-web.zip"
UNPACK_DIR: Final = "/var/tmp/refarch-web-release"

_SETTING_RE: Final = re.compile(f"[{SETTING_CHARACTERS}]{{1,{SETTING_MAX_LENGTH}}}")
#: Each database setting: what it must match, and how the refusal describes it.
#: ``install.sh`` spells the same rules as shell patterns (tests/runtime/web compares).
_DATABASE_RULES: Final = {
    ENV_DB_HOST: (r"[A-Za-z0-9][A-Za-z0-9.-]{0,252}", "a DNS name: 1 to 253 letters, digits, '.' and '-'"),
    ENV_DB_PORT: (r"[1-9][0-9]{0,4}", "a port number, 1 to 65535"),
    ENV_DB_NAME: (r"[A-Za-z][A-Za-z0-9_]{0,62}", "a database name: a letter, then up to 62 letters, digits and '_'"),
    ENV_DB_SECRET_ARN: (
        r"arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@!-]{1,512}",
        "a Secrets Manager secret ARN, arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME",
    ),
    ENV_AWS_REGION: (r"(?=[a-z0-9-]*-)[a-z][a-z0-9-]{0,30}[0-9]", "a region name such as us-east-1"),
}


def check_setting(name: str, value: str) -> str:
    """``value``, if it is a valid stage or application name; ``ValueError`` otherwise."""
    if not isinstance(value, str) or not _SETTING_RE.fullmatch(value):
        raise ValueError(
            f"{name} must be 1 to {SETTING_MAX_LENGTH} characters from {SETTING_CHARACTERS}, got {value!r}"
        )
    return value


class DatabaseSettings(NamedTuple):
    """The database settings, in the order of ``DATABASE_VARIABLES``; each a string, as
    in the environment."""

    host: str
    port: str
    name: str
    secret_arn: str
    region: str

    def environment(self) -> dict[str, str]:
        """``DATABASE_VARIABLES`` and their values."""
        return dict(zip(DATABASE_VARIABLES, self))

    def check(self) -> DatabaseSettings:
        """These settings, if each is valid and the secret is in the region; ``ValueError`` otherwise."""
        for name, value in self.environment().items():
            pattern, allowed = _DATABASE_RULES[name]
            if not isinstance(value, str) or not re.fullmatch(pattern, value):
                raise ValueError(f"{name} must be {allowed}, got {value!r}")
        if int(self.port) > 65535:
            raise ValueError(f"{ENV_DB_PORT} must be {_DATABASE_RULES[ENV_DB_PORT][1]}, got {self.port!r}")
        if self.secret_arn.split(":")[3] != self.region:
            raise ValueError(f"{ENV_DB_SECRET_ARN} must be a secret in {ENV_AWS_REGION} ({self.region})")
        return self

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> DatabaseSettings | None:
        """The checked settings; ``None`` when none is set; ``ValueError`` when only some are."""
        values = [environ.get(name, "") for name in DATABASE_VARIABLES]
        missing = [name for name, value in zip(DATABASE_VARIABLES, values) if not value]
        if len(missing) == len(DATABASE_VARIABLES):
            return None
        if missing:
            raise ValueError(f"the database settings go together: {' '.join(missing)} missing")
        return cls(*values).check()


def install_command(
    stage: str,
    app_name: str,
    database: DatabaseSettings | None = None,
    *,
    script: str = INSTALL_SCRIPT,
) -> str:
    """``env NAME=VALUE ... sh script``: runs ``INSTALL_SCRIPT`` with these settings.

    The stage and the application name are checked here. The database settings are
    usually deploy-time values (CloudFormation references, unresolved at synth), so
    they are only quoted: ``install.sh`` checks them at boot, before it changes anything.
    Call ``database.check()`` first when they are plain strings.
    """
    check_setting(ENV_STAGE, stage)
    check_setting(ENV_APP_NAME, app_name)
    settings = {ENV_STAGE: stage, ENV_APP_NAME: app_name, **(database.environment() if database else {})}
    for name, value in settings.items():
        if not isinstance(value, str):
            raise ValueError(f"{name} must be a string, got {value!r}")
    assignments = " ".join(f"{name}={shlex.quote(value)}" for name, value in settings.items())
    return f"env {assignments} sh {shlex.quote(script)}"


def install_commands(
    stage: str,
    app_name: str,
    *,
    database: DatabaseSettings | None = None,
    asset_zip: str = ASSET_ZIP,
    unpack_dir: str = UNPACK_DIR,
) -> tuple[str, ...]:
    """The shell commands, in order, that user data runs after downloading the asset to ``asset_zip``.

    They unpack the zip with Python's own ``zipfile`` (``unzip`` is not certain to be
    on the image) into a fresh ``unpack_dir``, then run ``INSTALL_SCRIPT`` with ``sh``
    (zipfile drops the execute bit) and the settings in its environment
    (``install_command``). Each command fails with a non-zero status; run them under
    ``set -eu``.
    """
    quote = shlex.quote
    return (
        f"rm -rf {quote(unpack_dir)}",
        f"{PYTHON} -m zipfile -e {quote(asset_zip)} {quote(unpack_dir)}",
        install_command(stage, app_name, database, script=f"{unpack_dir}/{INSTALL_SCRIPT}"),
    )
