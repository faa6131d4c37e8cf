"""The web contract (runtime/web/contract.py), and that the server, the unit and install.sh keep to it.

install.sh and refarch-web.service cannot import Python, so they spell some of the
contract's values again; these tests read them and compare. The contract must stay
loadable by file path with nothing but the standard library, which is how the CDK
construct loads it.
"""

from __future__ import annotations

import re
import shlex
import sys

import pytest

from tests.runtime.contracts import imported_top_level_modules, load_standalone
from tests.runtime.web.conftest import CONTRACT, SERVER, WEB_DIR

CONTRACT_FILE = WEB_DIR / "contract.py"
INSTALL_SCRIPT = (WEB_DIR / CONTRACT.INSTALL_SCRIPT).read_text(encoding="utf-8")
UNIT_TEXT = (WEB_DIR / CONTRACT.UNIT_NAME).read_text(encoding="utf-8")


def _unit_settings() -> dict[str, list[str]]:
    """``Key=value`` lines of the unit, every value of each key in order."""
    settings: dict[str, list[str]] = {}
    for line in UNIT_TEXT.splitlines():
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            settings.setdefault(key, []).append(value)
    return settings


def _script_assignments() -> dict[str, str]:
    """The top-level ``NAME=value`` lines of install.sh, unquoted."""
    assignments = {}
    for line in INSTALL_SCRIPT.splitlines():
        match = re.fullmatch(r"([A-Z_]+)=(\S.*)", line)
        if match:
            (value,) = shlex.split(match.group(2))
            assignments[match.group(1)] = value
    return assignments


# ------------------------------------------------------------------- the contract itself


def test_the_listener_needs_no_privilege_and_the_paths_are_distinct() -> None:
    assert 1024 <= CONTRACT.PORT <= 65535
    assert CONTRACT.HEALTH_PATH.startswith("/") and CONTRACT.PAGE_PATH == "/"
    assert CONTRACT.HEALTH_PATH != CONTRACT.PAGE_PATH


def test_the_timings_fit_the_load_balancer() -> None:
    assert CONTRACT.KEEP_ALIVE_SECONDS > 60  # the load balancer's default idle timeout
    # /health answers within two metadata requests: inside the health check's timeout.
    assert 2 * CONTRACT.IMDS_TIMEOUT_SECONDS < 3


def test_the_files_it_names_are_in_the_folder() -> None:
    for name in (*CONTRACT.APP_FILES, CONTRACT.INSTALL_SCRIPT, CONTRACT.UNIT_NAME):
        assert (WEB_DIR / name).is_file(), name
    assert CONTRACT.ENTRY_POINT in CONTRACT.APP_FILES
    assert "contract.py" in CONTRACT.APP_FILES  # the server imports it


def test_the_installed_paths_are_absolute_and_named_after_the_service() -> None:
    assert CONTRACT.UNIT_NAME == f"{CONTRACT.SERVICE_NAME}.service"
    assert CONTRACT.UNIT_PATH == f"/etc/systemd/system/{CONTRACT.UNIT_NAME}"
    for path in (CONTRACT.INSTALL_DIR, CONTRACT.ENVIRONMENT_FILE, CONTRACT.ASSET_ZIP, CONTRACT.UNPACK_DIR):
        assert path.startswith("/") and CONTRACT.SERVICE_NAME in path, path
    assert CONTRACT.MIN_PYTHON == (3, 9)  # the python3 of Amazon Linux 2023


@pytest.mark.parametrize("value", ["sandbox", "production", "web-tier_2.a", "x" * 64])
def test_check_setting_accepts_names(value: str) -> None:
    assert CONTRACT.check_setting("STAGE", value) == value


@pytest.mark.parametrize("value", ["", "x" * 65, "a b", "a;b", "$(id)", "é", "a\n", None])
def test_check_setting_refuses_anything_else(value: str) -> None:
    with pytest.raises(ValueError, match="STAGE must be 1 to 64 characters"):
        CONTRACT.check_setting("STAGE", value)


def test_install_commands_unpack_the_asset_and_run_the_script_in_order() -> None:
    assert CONTRACT.install_commands("sandbox", "web-tier") == (
        "rm -rf /var/tmp/refarch-web-release",
        "/usr/bin/python3 -m zipfile -e /var/tmp/refarch-web.zip /var/tmp/refarch-web-release",
        "env REFARCH_WEB_STAGE=sandbox REFARCH_WEB_APP_NAME=web-tier sh /var/tmp/refarch-web-release/install.sh",
    )


def test_install_commands_quote_paths_and_refuse_bad_settings() -> None:
    commands = CONTRACT.install_commands("prod", "app", asset_zip="/tmp/a b.zip", unpack_dir="/tmp/x y")
    assert commands[1].endswith("-e '/tmp/a b.zip' '/tmp/x y'")
    assert commands[2].endswith("sh '/tmp/x y/install.sh'")
    with pytest.raises(ValueError, match="REFARCH_WEB_STAGE"):
        CONTRACT.install_commands("prod; reboot", "app")
    with pytest.raises(ValueError, match="REFARCH_WEB_APP_NAME"):
        CONTRACT.install_commands("prod", "")


# -------------------------------------------------------------------- the database


SETTINGS = CONTRACT.DatabaseSettings(
    "db.abc.eu-west-1.rds.amazonaws.com",
    "5432",
    "refarch",
    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1-AbCdEf",
    "eu-west-1",
)


def test_the_database_settings_are_the_variables_in_order() -> None:
    assert CONTRACT.DatabaseSettings._fields == ("host", "port", "name", "secret_arn", "region")
    assert list(SETTINGS.environment()) == list(CONTRACT.DATABASE_VARIABLES)
    assert CONTRACT.DATABASE_VARIABLES == (
        "REFARCH_WEB_DB_HOST",
        "REFARCH_WEB_DB_PORT",
        "REFARCH_WEB_DB_NAME",
        "REFARCH_WEB_DB_SECRET_ARN",
        "REFARCH_WEB_AWS_REGION",
    )
    assert CONTRACT.ENV_SECRETS_MANAGER_ENDPOINT == "AWS_ENDPOINT_URL_SECRETS_MANAGER"  # the SDKs' name


def test_the_database_settings_are_all_or_none() -> None:
    assert CONTRACT.DatabaseSettings.from_environ({}) is None
    assert CONTRACT.DatabaseSettings.from_environ({CONTRACT.ENV_STAGE: "x"}) is None
    assert CONTRACT.DatabaseSettings.from_environ(SETTINGS.environment()) == SETTINGS
    partial = {**SETTINGS.environment(), CONTRACT.ENV_DB_PORT: "", CONTRACT.ENV_AWS_REGION: ""}
    message = "the database settings go together: REFARCH_WEB_DB_PORT REFARCH_WEB_AWS_REGION missing"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        CONTRACT.DatabaseSettings.from_environ(partial)


def test_from_environ_checks_the_values() -> None:
    with pytest.raises(ValueError, match=re.escape("REFARCH_WEB_DB_PORT must be a port number, 1 to 65535, got '0'")):
        CONTRACT.DatabaseSettings.from_environ({**SETTINGS.environment(), CONTRACT.ENV_DB_PORT: "0"})


def test_install_command_passes_the_settings_quoted() -> None:
    assert CONTRACT.install_command("sandbox", "web") == (
        "env REFARCH_WEB_STAGE=sandbox REFARCH_WEB_APP_NAME=web sh install.sh"
    )
    # Deploy-time values (a CDK token here) are quoted, never checked: install.sh checks them at boot.
    token = SETTINGS._replace(host="${Token[TOKEN.123]}")
    command = CONTRACT.install_command("sandbox", "web", token)
    assert command == (
        "env REFARCH_WEB_STAGE=sandbox REFARCH_WEB_APP_NAME=web REFARCH_WEB_DB_HOST='${Token[TOKEN.123]}' "
        "REFARCH_WEB_DB_PORT=5432 REFARCH_WEB_DB_NAME=refarch "
        "REFARCH_WEB_DB_SECRET_ARN='arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1-AbCdEf' "
        "REFARCH_WEB_AWS_REGION=eu-west-1 sh install.sh"
    )
    assert shlex.split(command)[3] == "REFARCH_WEB_DB_HOST=${Token[TOKEN.123]}"
    with pytest.raises(ValueError, match="REFARCH_WEB_DB_PORT must be a string, got 5432"):
        CONTRACT.install_command("sandbox", "web", SETTINGS._replace(port=5432))
    with pytest.raises(ValueError, match="REFARCH_WEB_STAGE"):
        CONTRACT.install_command("a b", "web", SETTINGS)


def test_install_commands_run_install_sh_with_the_database_settings() -> None:
    *_, install = CONTRACT.install_commands("sandbox", "web", database=SETTINGS)
    assert install == CONTRACT.install_command(
        "sandbox", "web", SETTINGS, script=f"{CONTRACT.UNPACK_DIR}/{CONTRACT.INSTALL_SCRIPT}"
    )


def test_the_database_timings_fit_a_page_view() -> None:
    # The server's statement_timeout (one second shorter) must leave it positive.
    assert CONTRACT.DB_TIMEOUT_SECONDS > 1
    assert 1 <= CONTRACT.DB_POOL_SIZE <= 10
    assert CONTRACT.CA_BUNDLE in CONTRACT.APP_FILES


def test_contract_imports_only_the_standard_library() -> None:
    imported = imported_top_level_modules(CONTRACT_FILE)
    assert imported <= sys.stdlib_module_names, imported


def test_contract_loads_by_file_path_without_site_packages() -> None:
    # How the CDK stack loads it: by path, under a name of its own.
    loaded = load_standalone(
        CONTRACT_FILE, "web_contract", "[module.PORT, module.HEALTH_PATH, module.install_commands('a', 'b')]"
    )
    assert loaded == [CONTRACT.PORT, CONTRACT.HEALTH_PATH, list(CONTRACT.install_commands("a", "b"))]


# ------------------------------------------------------------------ the server keeps to it


def test_the_server_imports_this_contract() -> None:
    assert SERVER.contract is CONTRACT


def test_the_server_listens_where_the_contract_says_by_default() -> None:
    args = SERVER.parse_args([])
    assert (args.host, args.port) == (CONTRACT.BIND_ADDRESS, CONTRACT.PORT)
    assert SERVER.RequestHandler.timeout == CONTRACT.KEEP_ALIVE_SECONDS


def test_the_server_reads_its_settings_from_the_contract_s_variables() -> None:
    config = SERVER.AppConfig.from_environ({CONTRACT.ENV_STAGE: "prod", CONTRACT.ENV_APP_NAME: "x" * 100})
    assert config == SERVER.AppConfig(app_name="x" * CONTRACT.SETTING_MAX_LENGTH, stage="prod")
    assert SERVER.AppConfig.from_environ({}) == SERVER.AppConfig(CONTRACT.DEFAULT_APP_NAME, CONTRACT.DEFAULT_STAGE)


MODULES = [name for name in CONTRACT.APP_FILES if name.endswith(".py") and name != "contract.py"]


@pytest.mark.parametrize("module", MODULES)
def test_no_module_spells_a_contract_value_a_second_time(module: str) -> None:
    source = (WEB_DIR / module).read_text(encoding="utf-8")
    for value in (
        CONTRACT.HEALTH_PATH,
        CONTRACT.VISITS_API_PATH,
        CONTRACT.ENV_STAGE,
        CONTRACT.ENV_APP_NAME,
        CONTRACT.ENV_IMDS_ENDPOINT,
        CONTRACT.ENV_IMDS_DISABLED,
        CONTRACT.ENV_SECRETS_MANAGER_ENDPOINT,
        *CONTRACT.DATABASE_VARIABLES,
        CONTRACT.CA_BUNDLE,
        CONTRACT.SERVICE_NAME,
        str(CONTRACT.PORT),
    ):
        assert f'"{value}"' not in source and f"'{value}'" not in source, value


# --------------------------------------------------------------- the unit keeps to it


def test_the_unit_runs_the_installed_server_with_the_contract_s_python() -> None:
    (exec_start,) = _unit_settings()["ExecStart"]
    python, *flags, script = shlex.split(exec_start)
    assert python == CONTRACT.PYTHON
    assert script == f"{CONTRACT.INSTALL_DIR}/{CONTRACT.ENTRY_POINT}"
    assert flags == ["-E", "-s", "-B"]


def test_the_unit_reads_the_environment_file_and_outlasts_the_drain() -> None:
    settings = _unit_settings()
    assert settings["EnvironmentFile"] == [f"-{CONTRACT.ENVIRONMENT_FILE}"]
    assert int(settings["TimeoutStopSec"][0]) > CONTRACT.DRAIN_SECONDS
    assert settings["Type"] == ["notify"]  # the server sends READY=1 (server.sd_notify)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("DynamicUser", "yes"),
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("PrivateDevices", "yes"),
        ("CapabilityBoundingSet", ""),
        ("AmbientCapabilities", ""),
        ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"),
        ("Restart", "on-failure"),
        ("WantedBy", "multi-user.target"),
    ],
)
def test_the_unit_is_hardened(key: str, value: str) -> None:
    assert _unit_settings().get(key) == [value]


def test_the_unit_sets_no_user_and_no_writable_path() -> None:
    settings = _unit_settings()
    for key in ("User", "Group", "ReadWritePaths", "StateDirectory", "AmbientCapabilities"):
        assert settings.get(key, [""]) == [""], key


# ------------------------------------------------------------- install.sh keeps to it


def test_install_sh_spells_the_contract_s_names() -> None:
    assert _script_assignments() == {
        "SERVICE_NAME": CONTRACT.SERVICE_NAME,
        "UNIT_NAME": CONTRACT.UNIT_NAME,
        "INSTALL_DIR": CONTRACT.INSTALL_DIR,
        "UNIT_PATH": CONTRACT.UNIT_PATH,
        "ENVIRONMENT_FILE": CONTRACT.ENVIRONMENT_FILE,
        "PYTHON": CONTRACT.PYTHON,
        "MIN_PYTHON": ".".join(map(str, CONTRACT.MIN_PYTHON)),
        "APP_FILES": " ".join(CONTRACT.APP_FILES),
        "SETTING_MAX_LENGTH": str(CONTRACT.SETTING_MAX_LENGTH),
    }


def test_install_sh_reads_and_writes_the_contract_s_variables() -> None:
    for name in (CONTRACT.ENV_STAGE, CONTRACT.ENV_APP_NAME, *CONTRACT.DATABASE_VARIABLES):
        assert f"${{{name}:-}}" in INSTALL_SCRIPT, name
        assert f'echo "{name}=$' in INSTALL_SCRIPT, name
    assert f"*[!{CONTRACT.SETTING_CHARACTERS}]*)" in INSTALL_SCRIPT
