"""Keep the emulator and AWS apart, in both directions.

- The sandbox talks to an emulator on this machine only (:func:`require_loopback`) and
  runs every process with :func:`sandbox_environment`: its own dummy credentials, empty
  AWS config files, and none of the caller's ``AWS_*`` / ``CDK_*`` variables, so no
  profile, session token or role of a real account can reach it.
- The real-account commands refuse an endpoint on this machine
  (:func:`refuse_emulator_endpoint`), so the emulator is never taken for AWS.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
NODE_BIN = ROOT / "node_modules" / ".bin"

#: The emulator's credentials. moto accepts any; these say where they belong.
SANDBOX_ACCESS_KEY_ID = "SANDBOXEMULATOR"
SANDBOX_SECRET_ACCESS_KEY = "sandbox-emulator-not-a-secret"
SANDBOX_REGION = "us-east-1"

# What a sandbox process may inherit: how to find programs, speak, and draw a terminal.
_INHERITED = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TERM", "TZ", "TMPDIR", "NO_COLOR", "FORCE_COLOR", "CI")


class EndpointError(ValueError):
    """An endpoint on the wrong side: not loopback for the sandbox, loopback for AWS."""


def is_loopback_url(url: str) -> bool:
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return False
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_loopback(url: str) -> str:
    """``url`` if it is an http(s) address on this machine; otherwise a clear error."""
    scheme = urlsplit(url.strip()).scheme
    if scheme not in ("http", "https") or not is_loopback_url(url):
        raise EndpointError(
            f"refusing endpoint {url!r}: the sandbox only talks to an emulator on this machine "
            "(http://localhost:PORT, 127.0.0.0/8 or ::1), never to another host"
        )
    return url


def sandbox_environment(endpoint: str, state_dir: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The whole environment of a sandbox process: nothing of the caller's AWS setup.

    ``HOME`` moves under ``state_dir`` too, because the CDK CLI reads defaults such as a
    profile from ``~/.cdk.json``.
    """
    require_loopback(endpoint)
    base = os.environ if base is None else base
    state_dir = state_dir.resolve()
    empty_config = state_dir / "aws-config-empty"
    home = state_dir / "home"
    home.mkdir(parents=True, exist_ok=True)
    empty_config.touch()
    env = {key: base[key] for key in _INHERITED if key in base}
    env["PATH"] = f"{NODE_BIN}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}"
    env.update(
        {
            "HOME": str(home),
            "AWS_ACCESS_KEY_ID": SANDBOX_ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SANDBOX_SECRET_ACCESS_KEY,
            "AWS_REGION": SANDBOX_REGION,
            "AWS_DEFAULT_REGION": SANDBOX_REGION,
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_CONFIG_FILE": str(empty_config),
            "AWS_SHARED_CREDENTIALS_FILE": str(empty_config),
            # No instance-metadata credentials either, even on an EC2 host.
            "AWS_EC2_METADATA_DISABLED": "true",
            "CDK_DISABLE_CLI_TELEMETRY": "true",
            # A proxy must not sit between the CLI and the emulator.
            "NO_PROXY": "localhost,127.0.0.1,::1",
            "no_proxy": "localhost,127.0.0.1,::1",
        }
    )
    # jsii unpacks aws-cdk-lib into a cache under HOME; reuse the user's so that the
    # sandbox's own HOME does not cost a cold start on every run.
    cache = base.get("JSII_RUNTIME_PACKAGE_CACHE_ROOT") or (
        str(Path(base["HOME"]) / ".cache" / "aws" / "jsii" / "package-cache") if "HOME" in base else None
    )
    if cache:
        env["JSII_RUNTIME_PACKAGE_CACHE_ROOT"] = cache
    return env


def emulator_process_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The emulator server's environment: no AWS or CDK variables of the caller at all."""
    base = os.environ if base is None else base
    env = {key: base[key] for key in _INHERITED if key in base}
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    return env


def refuse_emulator_endpoint(env: Mapping[str, str] | None = None, configured: str | None = None) -> None:
    """Fail when the real-account path would be pointed at a local emulator.

    Looks at ``AWS_ENDPOINT_URL`` and every service-specific ``AWS_ENDPOINT_URL_*``, and
    at ``configured``: the ``endpoint_url`` the active AWS profile sets, if any.
    """
    env = os.environ if env is None else env
    found = [
        f"{key}={value}"
        for key, value in sorted(env.items())
        if (key == "AWS_ENDPOINT_URL" or key.startswith("AWS_ENDPOINT_URL_")) and is_loopback_url(value)
    ]
    if configured and is_loopback_url(configured):
        found.append(f"endpoint_url={configured} (in your AWS profile)")
    if found:
        names = " ".join(item.split("=", 1)[0] for item in found if item.startswith("AWS_"))
        raise EndpointError(
            f"{', '.join(found)} points at an emulator on this machine, but this command "
            "targets a real AWS account. "
            + (f"Run `unset {names}` first" if names else "Remove endpoint_url from the profile")
            + ", or use `make sandbox` for the emulator."
        )
