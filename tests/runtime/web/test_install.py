"""install.sh and the systemd unit: static checks, and real runs of the script into a temporary root.

install.sh runs with ``DESTDIR`` set to a temporary folder and a fake ``systemctl``
first on ``PATH`` that records its arguments, so nothing on this machine changes.
shellcheck and systemd-analyze run when they are installed (``apt-get install
shellcheck``; systemd-analyze comes with systemd) and the tests skip otherwise.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.runtime.web.conftest import CONTRACT, WEB_DIR
from tests.runtime.web.stub_secrets_manager import SECRET_ARN

SCRIPT = WEB_DIR / CONTRACT.INSTALL_SCRIPT
UNIT = WEB_DIR / CONTRACT.UNIT_NAME
SHELLS = [shell for shell in ("sh", "dash", "bash") if shutil.which(shell)]
needs_python = pytest.mark.skipif(not Path(CONTRACT.PYTHON).exists(), reason=f"no {CONTRACT.PYTHON} here")

FAKE_SYSTEMCTL = """#!/bin/sh
echo "$*" >> "$SYSTEMCTL_LOG"
case "$*" in "restart "*) [ -z "${SYSTEMCTL_FAIL_RESTART:-}" ] || exit 1 ;; esac
"""


@dataclass
class Root:
    """A temporary root to install into, and the fake systemctl's record."""

    path: Path
    env: dict[str, str]
    calls_file: Path

    def installed(self, path: str) -> Path:
        return self.path / path.lstrip("/")

    def calls(self) -> list[str]:
        return self.calls_file.read_text().splitlines() if self.calls_file.exists() else []

    def run(self, *command: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, env={**self.env, **env}, capture_output=True, text=True, timeout=30, check=False)

    def files(self) -> dict[str, tuple[bytes, int]]:
        """Every file under the root (the fake systemctl's record aside): content and mode."""
        return {
            str(path.relative_to(self.path)): (path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
            for path in sorted(self.path.rglob("*"))
            if path.is_file()
        }


@pytest.fixture
def root(tmp_path: Path) -> Root:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    systemctl = bin_dir / "systemctl"
    systemctl.write_text(FAKE_SYSTEMCTL)
    systemctl.chmod(0o755)
    target = tmp_path / "root"
    target.mkdir()
    calls = tmp_path / "systemctl.log"
    env = {
        "PATH": f"{bin_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "DESTDIR": str(target),
        "SYSTEMCTL_LOG": str(calls),
    }
    return Root(target, env, calls)


EXPECTED_CALLS = ["daemon-reload", f"enable --quiet {CONTRACT.UNIT_NAME}", f"restart {CONTRACT.UNIT_NAME}"]
#: Valid database settings: an RDS endpoint, its port, the database, an RDS-managed secret.
DATABASE = CONTRACT.DatabaseSettings(
    "refarch-db.c9akciq32.eu-west-1.rds.amazonaws.com", "5432", "refarch", SECRET_ARN, "eu-west-1"
)


# ---------------------------------------------------------------------------- static


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_shellcheck_finds_nothing() -> None:
    result = subprocess.run(
        ["shellcheck", "--shell=sh", "--severity=style", str(SCRIPT)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("shell", SHELLS)
def test_every_shell_parses_it(shell: str) -> None:
    result = subprocess.run([shell, "-n", str(SCRIPT)], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0, result.stderr


def test_it_is_posix_sh_that_stops_at_the_first_error() -> None:
    text = SCRIPT.read_text(encoding="utf-8")
    assert text.startswith("#!/bin/sh\n")
    assert "\nset -eu\n" in text


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
@needs_python  # verify checks that ExecStart's program exists
def test_systemd_analyze_verifies_the_unit(tmp_path: Path) -> None:
    unit = tmp_path / CONTRACT.UNIT_NAME
    shutil.copy(UNIT, unit)
    result = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60, check=False
    )
    # verify exits 0 on unknown keys too, and only warns: a clean unit prints nothing.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_rates_the_unit_s_exposure_low(tmp_path: Path) -> None:
    unit = tmp_path / CONTRACT.UNIT_NAME
    shutil.copy(UNIT, unit)
    result = subprocess.run(
        # --threshold is ten times the exposure level: at most 2.0 ("OK") of 10.
        ["systemd-analyze", "security", "--offline=yes", "--threshold=20", "--no-pager", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if "offline" in result.stderr and "unrecognized" in result.stderr:
        pytest.skip("this systemd-analyze has no --offline")
    assert result.returncode == 0, result.stdout + result.stderr


# ------------------------------------------------------------------------------- runs


@needs_python
@pytest.mark.parametrize("shell", SHELLS)
def test_it_installs_the_files_the_settings_and_the_unit_then_restarts(root: Root, shell: str) -> None:
    result = root.run(shell, str(SCRIPT), REFARCH_WEB_STAGE="sandbox", REFARCH_WEB_APP_NAME="web-tier")

    assert result.returncode == 0, result.stderr
    for name in CONTRACT.APP_FILES:
        installed = root.installed(f"{CONTRACT.INSTALL_DIR}/{name}")
        assert installed.read_bytes() == (WEB_DIR / name).read_bytes()
        assert stat.S_IMODE(installed.stat().st_mode) == 0o644
    assert root.installed(CONTRACT.UNIT_PATH).read_bytes() == UNIT.read_bytes()
    environment = root.installed(CONTRACT.ENVIRONMENT_FILE).read_text().splitlines()
    assert environment[1:] == [f"{CONTRACT.ENV_STAGE}=sandbox", f"{CONTRACT.ENV_APP_NAME}=web-tier"]
    assert environment[0].startswith("#")
    assert root.calls() == EXPECTED_CALLS
    assert sorted(root.files()) == sorted(
        [path.lstrip("/") for path in (CONTRACT.UNIT_PATH, CONTRACT.ENVIRONMENT_FILE)]
        + [f"{CONTRACT.INSTALL_DIR.lstrip('/')}/{name}" for name in CONTRACT.APP_FILES]
    )


@needs_python
def test_running_it_again_changes_nothing_but_restarts(root: Root) -> None:
    settings = {"REFARCH_WEB_STAGE": "production", "REFARCH_WEB_APP_NAME": "web"}
    assert root.run("sh", str(SCRIPT), **settings).returncode == 0
    first = root.files()

    second_run = root.run("sh", str(SCRIPT), **settings)

    assert second_run.returncode == 0, second_run.stderr
    assert root.files() == first
    assert root.calls() == EXPECTED_CALLS * 2


@needs_python
def test_a_new_release_or_new_settings_replace_the_old(root: Root) -> None:
    assert root.run("sh", str(SCRIPT), REFARCH_WEB_STAGE="sandbox").returncode == 0
    stale = root.installed(f"{CONTRACT.INSTALL_DIR}/{CONTRACT.ENTRY_POINT}")
    stale.write_text("old release")

    assert root.run("sh", str(SCRIPT), REFARCH_WEB_STAGE="production").returncode == 0

    assert stale.read_bytes() == (WEB_DIR / CONTRACT.ENTRY_POINT).read_bytes()
    assert f"{CONTRACT.ENV_STAGE}=production" in root.installed(CONTRACT.ENVIRONMENT_FILE).read_text()


@needs_python
def test_without_settings_it_writes_them_empty_for_the_server_s_defaults(root: Root) -> None:
    result = root.run("sh", str(SCRIPT))

    assert result.returncode == 0, result.stderr
    environment = root.installed(CONTRACT.ENVIRONMENT_FILE).read_text().splitlines()
    assert environment[1:] == [f"{CONTRACT.ENV_STAGE}=", f"{CONTRACT.ENV_APP_NAME}="]


@pytest.mark.parametrize(
    ("name", "value"),
    [("REFARCH_WEB_STAGE", "prod; reboot"), ("REFARCH_WEB_APP_NAME", "$(id)"), ("REFARCH_WEB_STAGE", "x" * 65)],
)
def test_a_bad_setting_stops_it_before_it_installs_anything(root: Root, name: str, value: str) -> None:
    result = root.run("sh", str(SCRIPT), **{name: value})

    assert result.returncode == 1
    assert result.stderr.startswith(f"install.sh: {name} ")
    assert root.files() == {}
    assert root.calls() == []


@needs_python
def test_a_service_that_does_not_start_fails_the_install(root: Root) -> None:
    result = root.run("sh", str(SCRIPT), SYSTEMCTL_FAIL_RESTART="1")

    assert result.returncode == 1
    assert f"{CONTRACT.UNIT_NAME} did not start: see journalctl -u {CONTRACT.UNIT_NAME}" in result.stderr


def test_a_missing_file_stops_it(root: Root, tmp_path: Path) -> None:
    release = tmp_path / "release"
    release.mkdir()
    shutil.copy(SCRIPT, release / CONTRACT.INSTALL_SCRIPT)

    result = root.run("sh", str(release / CONTRACT.INSTALL_SCRIPT))

    assert result.returncode == 1
    assert "is missing" in result.stderr
    assert root.calls() == []


# ---------------------------------------------------------- the way user data runs it


@needs_python
def test_the_contract_s_install_commands_install_from_the_asset_zip(root: Root, tmp_path: Path) -> None:
    # What the construct's S3 asset holds: this folder's files at the zip's root.
    asset = tmp_path / "asset.zip"
    with zipfile.ZipFile(asset, "w") as archive:
        for path in sorted(WEB_DIR.iterdir()):
            if path.is_file():
                archive.write(path, path.name)
    unpack_dir = tmp_path / "unpacked"
    (unpack_dir / "stale").mkdir(parents=True)  # left by an earlier boot: removed first
    commands = CONTRACT.install_commands("sandbox", "web", asset_zip=str(asset), unpack_dir=str(unpack_dir))

    result = root.run("sh", "-eu", "-c", "\n".join(commands))

    assert result.returncode == 0, result.stderr
    assert not (unpack_dir / "stale").exists()
    for name in CONTRACT.APP_FILES:
        assert root.installed(f"{CONTRACT.INSTALL_DIR}/{name}").read_bytes() == (WEB_DIR / name).read_bytes()
    assert f"{CONTRACT.ENV_APP_NAME}=web" in root.installed(CONTRACT.ENVIRONMENT_FILE).read_text()
    assert root.calls() == EXPECTED_CALLS


# ------------------------------------------------------------------ database settings


@needs_python
def test_with_the_database_settings_it_writes_them_too(root: Root) -> None:
    result = root.run("sh", str(SCRIPT), **DATABASE.environment())

    assert result.returncode == 0, result.stderr
    environment = root.installed(CONTRACT.ENVIRONMENT_FILE).read_text().splitlines()
    assert environment[1:] == [f"{CONTRACT.ENV_STAGE}=", f"{CONTRACT.ENV_APP_NAME}="] + [
        f"{name}={value}" for name, value in DATABASE.environment().items()
    ]
    # What the server will read back: the same settings.
    settings = dict(line.split("=", 1) for line in environment[1:])
    assert CONTRACT.DatabaseSettings.from_environ(settings) == DATABASE


@needs_python
@pytest.mark.parametrize("given", [(CONTRACT.ENV_DB_HOST,), CONTRACT.DATABASE_VARIABLES[:-1]])
def test_the_database_settings_go_together(root: Root, given: tuple[str, ...]) -> None:
    settings = {name: value for name, value in DATABASE.environment().items() if name in given}

    result = root.run("sh", str(SCRIPT), **settings)

    missing = [name for name in CONTRACT.DATABASE_VARIABLES if name not in given]
    message = f"the database settings go together: {' '.join(missing)} missing"
    assert (result.returncode, result.stderr) == (1, f"install.sh: {message}\n")
    with pytest.raises(ValueError) as refused:  # the server says the same
        CONTRACT.DatabaseSettings.from_environ(settings)
    assert str(refused.value) == message
    assert root.files() == {}


_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:"
#: (setting, value, valid): every rule of contract.DatabaseSettings.check, from both sides.
CASES = [
    ("host", "db.abc123.eu-west-1.rds.amazonaws.com", True),
    ("host", "10.0.1.5", True),
    ("host", "a" * 253, True),
    ("host", "a" * 254, False),
    ("host", "-db.example", False),
    ("host", "db example", False),
    ("host", "db;reboot", False),
    ("host", "db\nREFARCH_WEB_STAGE=x", False),
    ("host", "d\u00e9.example", False),
    ("port", "1", True),
    ("port", "65535", True),
    ("port", "65536", False),
    ("port", "99999", False),
    ("port", "123456", False),
    ("port", "0", False),
    ("port", "05432", False),
    ("port", "54a", False),
    ("name", "R_2", True),
    ("name", "a" * 63, True),
    ("name", "a" * 64, False),
    ("name", "_refarch", False),
    ("name", "1db", False),
    ("name", "my-db", False),
    ("secret_arn", "arn:aws-us-gov:secretsmanager:eu-west-1:123456789012:secret:db/login+x=y.z@w-AbCdEf", True),
    ("secret_arn", _ARN + "a" * 512, True),
    ("secret_arn", _ARN + "a" * 513, False),
    ("secret_arn", _ARN, False),
    ("secret_arn", _ARN + "a:b", False),
    ("secret_arn", _ARN + "a b", False),
    ("secret_arn", _ARN + "$(id)", False),
    ("secret_arn", _ARN + "x*", False),
    ("secret_arn", "arn:aws:secretsmanager:eu-west-1:12345678901:secret:x", False),
    ("secret_arn", "arn:aws:ssm:eu-west-1:123456789012:secret:x", False),
    ("secret_arn", "arn:AWS:secretsmanager:eu-west-1:123456789012:secret:x", False),
    ("secret_arn", "arn:aws:secretsmanager:eu_west_1:123456789012:secret:x", False),
    ("secret_arn", "arn:aws:secretsmanager:us-east-1:123456789012:secret:x", False),  # another region
    ("region", "EU-west-1", False),
    ("region", "euwest1", False),
    ("region", "eu-west-", False),
    ("region", "1eu-west-1", False),
]


@needs_python
@pytest.mark.parametrize(("field", "value", "valid"), CASES, ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(CASES)])
def test_install_sh_and_the_contract_judge_each_database_setting_alike(
    root: Root, field: str, value: str, valid: bool
) -> None:
    settings = DATABASE._replace(**{field: value})
    try:
        settings.check()
        contract_says = None
    except ValueError as error:
        contract_says = str(error).split(", got ")[0]

    result = root.run("sh", str(SCRIPT), **settings.environment())

    if valid:
        assert (contract_says, result.returncode) == (None, 0), result.stderr
    else:
        assert contract_says is not None
        assert (result.returncode, result.stderr) == (1, f"install.sh: {contract_says}\n")
        assert root.files() == {}


@needs_python
def test_the_contract_s_install_commands_carry_the_database_settings(root: Root, tmp_path: Path) -> None:
    asset = tmp_path / "asset.zip"
    with zipfile.ZipFile(asset, "w") as archive:
        for name in CONTRACT.APP_FILES + (CONTRACT.INSTALL_SCRIPT, CONTRACT.UNIT_NAME):
            archive.write(WEB_DIR / name, name)
    commands = CONTRACT.install_commands(
        "sandbox", "web", database=DATABASE, asset_zip=str(asset), unpack_dir=str(tmp_path / "unpacked")
    )

    result = root.run("sh", "-eu", "-c", "\n".join(commands))

    assert result.returncode == 0, result.stderr
    environment = root.installed(CONTRACT.ENVIRONMENT_FILE).read_text()
    assert f"{CONTRACT.ENV_DB_SECRET_ARN}={SECRET_ARN}\n" in environment
    assert (
        root.installed(f"{CONTRACT.INSTALL_DIR}/{CONTRACT.CA_BUNDLE}").read_bytes()
        == (WEB_DIR / CONTRACT.CA_BUNDLE).read_bytes()
    )
