"""Typed options for ``WebTier``; each checks its own input when it is built."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Literal

from cdk_refarch.core.errors import require
from cdk_refarch.core.validation import check_int

Architecture = Literal["arm64", "x86_64"]

# The install command runs as root from the unzipped app folder: keep it to a plain
# command line (no shell metacharacters that would let a value become more commands).
_COMMAND = re.compile(r"^[A-Za-z0-9_./= -]+$")


@dataclass(frozen=True)
class WebAppOptions:
    """The application the instances run.

    :param source: a folder, uploaded as an S3 asset (a zip) that user data downloads
        and unzips at boot; it must hold what ``install_command`` needs.
    :param install_command: run as root from the unzipped folder, e.g. ``sh install.sh``,
        which installs the app as a systemd service listening on ``port``.
    :param port: the port the instances listen on, behind the load balancer.
    """

    source: str
    install_command: str = "sh install.sh"
    port: int = 8080

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
