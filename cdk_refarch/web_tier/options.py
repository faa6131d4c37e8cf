"""Typed options for ``WebTier``; each checks its own input when it is built."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from aws_cdk import Token
from aws_cdk import aws_secretsmanager as secretsmanager

from cdk_refarch.core.errors import require
from cdk_refarch.core.validation import check_env_var_names, check_environment, check_int

Architecture = Literal["arm64", "x86_64"]

# The install command runs as root from the unzipped app folder: keep it to a plain
# command line (no shell metacharacters that would let a value become more commands).
_COMMAND = re.compile(r"^[A-Za-z0-9_./= -]+$")
# Environment values go into that command line too, single-quoted: no quote, no space.
_VALUE = re.compile(r"^[A-Za-z0-9_./:@+,=-]*$")


@dataclass(frozen=True)
class WebAppOptions:
    """The application the instances run.

    :param source: a folder, uploaded as an S3 asset (a zip) that user data downloads
        and unzips at boot; it must hold what ``install_command`` needs.
    :param install_command: run as root from the unzipped folder, e.g. ``sh install.sh``,
        which installs the app as a systemd service listening on ``port``.
    :param port: the port the instances listen on, behind the load balancer.
    :param environment: plain settings, set in ``install_command``'s environment (user
        data shows them: no secret-looking name is accepted). A value is letters, digits
        and ``_ . / : @ + , = -``, or a deploy-time value (an endpoint, an ARN).
    :param secrets: variable name -> a Secrets Manager secret: the variable holds the
        secret's ARN, never its value, and the instance role may read the secret (and
        decrypt it with its key), so the app fetches the value at run time.
    """

    source: str
    install_command: str = "sh install.sh"
    port: int = 8080
    environment: Mapping[str, str] = field(default_factory=dict)
    secrets: Mapping[str, secretsmanager.ISecret] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require(
            isinstance(self.source, str) and os.path.isdir(self.source),
            f"source ({self.source!r}) must be an existing folder",
        )
        require(
            isinstance(self.install_command, str) and bool(_COMMAND.fullmatch(self.install_command)),
            f"install_command ({self.install_command!r}) must be a plain command line: letters, digits, "
            "spaces and . _ / = -",
        )
        check_int("port", self.port, minimum=1, maximum=65535)
        require(isinstance(self.environment, Mapping), f"environment ({self.environment!r}) must be a mapping")
        require(isinstance(self.secrets, Mapping), f"secrets ({self.secrets!r}) must be a mapping")
        check_environment(self.environment, {}, read="pass it in secrets, which the app reads at run time")
        for name, value in self.environment.items():
            require(
                Token.is_unresolved(value) or bool(_VALUE.fullmatch(value)),
                f"environment variable {name} ({value!r}) must hold only letters, digits and _ . / : @ + , = -, "
                "or be a deploy-time value: it is written into the install command line",
            )
        check_env_var_names("secrets variable", self.secrets)
        for name, secret in self.secrets.items():
            require(
                hasattr(secret, "secret_arn") and hasattr(secret, "grant_read"),
                f"secrets variable {name} ({secret!r}) must be a secretsmanager.ISecret",
            )
        both = sorted(set(self.environment) & set(self.secrets))
        require(not both, f"environment and secrets both set {', '.join(both)}")

    def variables(self) -> dict[str, str]:
        """Every variable the install command gets: the settings, and each secret's ARN."""
        return {**self.environment, **{name: secret.secret_arn for name, secret in self.secrets.items()}}
