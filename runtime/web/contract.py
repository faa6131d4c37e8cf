"""What the web tier's infrastructure and its application must agree on, defined once.

- Where the application listens and what the load balancer checks: ``PORT``,
  ``BIND_ADDRESS``, ``HEALTH_PATH``, ``PAGE_PATH``.
- How it is installed on an instance: the files (``APP_FILES``, ``INSTALL_SCRIPT``,
  ``UNIT_NAME``), where they go (``INSTALL_DIR``, ``UNIT_PATH``,
  ``ENVIRONMENT_FILE``), the interpreter (``PYTHON``, at least ``MIN_PYTHON``), and
  the commands that user data runs once it has downloaded the asset
  (``install_commands``, with ``ASSET_ZIP`` and ``UNPACK_DIR``).
- ``ENV_*``: the environment variables that the service reads (``install.sh`` writes
  the first two into ``ENVIRONMENT_FILE``, which the systemd unit reads).
- Timings that the infrastructure must fit around: ``KEEP_ALIVE_SECONDS``,
  ``DRAIN_SECONDS``, ``IMDS_TIMEOUT_SECONDS``.

Both sides use this file. ``server.py`` imports it as the top-level module
``contract``, because the two are installed side by side. The CDK construct loads it
by file path (``importlib.util.spec_from_file_location``). So it imports only the
standard library and nothing from this folder.

It runs on the python3 of Amazon Linux 2023 (3.9) as well as on the project's
Python: nothing here may need a newer version (tests/runtime/web checks it).
``install.sh`` and ``refarch-web.service`` spell some of these values again, because
neither can import Python; tests/runtime/web checks that they agree.
"""

import re
import shlex
from typing import Final

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
#: The HTML page that says which instance and Availability Zone answered.
PAGE_PATH: Final = "/"
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

# ---------------------------------------------------------------------- installation

#: The python3 of Amazon Linux 2023 (3.9.x); the unit runs the server with it.
PYTHON: Final = "/usr/bin/python3"
MIN_PYTHON: Final = (3, 9)
#: The application's files, copied from this folder into ``INSTALL_DIR``. The server
#: is ``ENTRY_POINT``: ``python3 server.py [--host H] [--port P]`` (or ``-m server``).
ENTRY_POINT: Final = "server.py"
APP_FILES: Final = (ENTRY_POINT, "contract.py")
#: Installs ``APP_FILES``, the unit and the environment file, then (re)starts the
#: service. Run as root with ``sh``; idempotent.
INSTALL_SCRIPT: Final = "install.sh"
INSTALL_DIR: Final = "/opt/refarch-web"
UNIT_PATH: Final = f"/etc/systemd/system/{UNIT_NAME}"
#: ``KEY=value`` lines for ``ENV_STAGE`` and ``ENV_APP_NAME``, written by ``install.sh``.
ENVIRONMENT_FILE: Final = f"/etc/sysconfig/{SERVICE_NAME}"
#: Where user data downloads the S3 asset (a zip of this folder) and unpacks it.
ASSET_ZIP: Final = "/var/tmp/refarch-web.zip"
UNPACK_DIR: Final = "/var/tmp/refarch-web-release"

_SETTING_RE: Final = re.compile(f"[{SETTING_CHARACTERS}]{{1,{SETTING_MAX_LENGTH}}}")


def check_setting(name: str, value: str) -> str:
    """``value``, if it is a valid stage or application name; ``ValueError`` otherwise."""
    if not isinstance(value, str) or not _SETTING_RE.fullmatch(value):
        raise ValueError(
            f"{name} must be 1 to {SETTING_MAX_LENGTH} characters from {SETTING_CHARACTERS}, got {value!r}"
        )
    return value


def install_commands(
    stage: str,
    app_name: str,
    *,
    asset_zip: str = ASSET_ZIP,
    unpack_dir: str = UNPACK_DIR,
) -> tuple[str, ...]:
    """The shell commands, in order, that user data runs after downloading the asset to ``asset_zip``.

    They unpack the zip with Python's own ``zipfile`` (``unzip`` is not certain to be
    on the image) into a fresh ``unpack_dir``, then run ``INSTALL_SCRIPT`` with ``sh``
    (zipfile drops the execute bit) and the stage and application name in its
    environment. Each command fails with a non-zero status; run them under ``set -eu``.
    """
    check_setting(ENV_STAGE, stage)
    check_setting(ENV_APP_NAME, app_name)
    quote = shlex.quote
    return (
        f"rm -rf {quote(unpack_dir)}",
        f"{PYTHON} -m zipfile -e {quote(asset_zip)} {quote(unpack_dir)}",
        f"env {ENV_STAGE}={quote(stage)} {ENV_APP_NAME}={quote(app_name)} sh {quote(f'{unpack_dir}/{INSTALL_SCRIPT}')}",
    )
