"""Typed options for ``ContainerService``; each checks its own input when it is built."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aws_cdk import aws_kms as kms

from cdk_refarch.core.errors import require
from cdk_refarch.core.validation import check_int

#: The image when none is given: NGINX's unprivileged build from the ECR Public Gallery
#: (gallery.ecr.aws/nginx/nginx-unprivileged), published by NGINX for amd64 and arm64. It
#: runs as user 101, listens on 8080 and writes only to /tmp (PID and temp files), so it
#: runs on a read-only root filesystem with the default scratch volume. Pinned to an NGINX
#: release; the tag is rebuilt weekly with OS fixes, so pin a digest (``image=...@sha256:``)
#: for a production image of your own.
DEFAULT_IMAGE = "public.ecr.aws/nginx/nginx-unprivileged:1.29.3-alpine"
#: The port the default image listens on.
DEFAULT_PORT = 8080


def _steps(low: int, high: int, step: int) -> tuple[int, ...]:
    return tuple(range(low, high + 1, step))


#: Fargate's task sizes: CPU units (1024 = 1 vCPU) -> the memory sizes (MiB) it runs with.
FARGATE_MEMORY: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: _steps(1024, 4096, 1024),
    1024: _steps(2048, 8192, 1024),
    2048: _steps(4096, 16384, 1024),
    4096: _steps(8192, 30720, 1024),
    8192: _steps(16384, 61440, 4096),
    16384: _steps(32768, 122880, 8192),
}


def _memory_text(cpu: int) -> str:
    sizes = FARGATE_MEMORY[cpu]
    if len(sizes) <= 3:
        return f"{', '.join(str(size) for size in sizes[:-1])} or {sizes[-1]}"
    return f"{sizes[0]} to {sizes[-1]} in steps of {sizes[1] - sizes[0]}"


@dataclass(frozen=True)
class TaskSize:
    """A Fargate task's CPU (units, 1024 = 1 vCPU) and memory (MiB), one of the
    combinations Fargate runs; ``ephemeral_storage_gib`` above the free 20 GiB (21..200)."""

    cpu: int = 256
    memory_mib: int = 512
    ephemeral_storage_gib: int | None = None

    def __post_init__(self) -> None:
        cpus = ", ".join(str(cpu) for cpu in FARGATE_MEMORY)
        require(
            isinstance(self.cpu, int) and not isinstance(self.cpu, bool) and self.cpu in FARGATE_MEMORY,
            f"cpu ({self.cpu!r}) must be one of Fargate's task sizes: {cpus} (CPU units; 1024 = 1 vCPU)",
        )
        check_int("memory_mib", self.memory_mib, minimum=1)
        require(
            self.memory_mib in FARGATE_MEMORY[self.cpu],
            f"memory_mib ({self.memory_mib}) is not a Fargate size for cpu {self.cpu}: allowed "
            f"{_memory_text(self.cpu)} MiB",
        )
        if self.ephemeral_storage_gib is not None:
            check_int("ephemeral_storage_gib", self.ephemeral_storage_gib, minimum=21, maximum=200, unit="GiB")


# An absolute path of plain segments: no "..", no "//", not "/" itself.
_CONTAINER_PATH = re.compile(r"^(?:/[A-Za-z0-9._-]+)+$")


@dataclass(frozen=True)
class ScratchVolume:
    """A writable, memory-backed (tmpfs) directory in an otherwise read-only container.

    :param path: where it is mounted, e.g. ``/tmp``.
    :param size_mib: its most; what it holds counts against the task's memory.
    """

    path: str = "/tmp"
    size_mib: int = 64

    def __post_init__(self) -> None:
        require(
            isinstance(self.path, str)
            and bool(_CONTAINER_PATH.fullmatch(self.path))
            and ".." not in self.path.split("/"),
            f"scratch_volume path ({self.path!r}) must be an absolute directory such as '/tmp', not '/'",
        )
        check_int("scratch_volume size_mib", self.size_mib, minimum=1, unit="MiB")


@dataclass(frozen=True)
class EcsExecOptions:
    """ECS Exec (``aws ecs execute-command``): a shell in a running container.

    Sessions are encrypted with ``kms_key`` (a rotated key is created when ``None``) and
    logged, also under that key, to a log group the construct creates.
    """

    kms_key: kms.IKey | None = None


# ALB path patterns: letters, digits and - . _ / ~ ! $ & ' ( ) + , ; = : @ % * ? (the last two wildcards).
_PATH_PATTERN = re.compile(r"^/[A-Za-z0-9\-._~/!$&'()+,;=:@%*?]{0,127}$")
_HOST_HEADER = re.compile(r"^(?=.{1,128}$)[a-z0-9*?](?:[a-z0-9*?.-]*[a-z0-9*?])?$")
#: An ALB rule takes at most five condition values in all.
MAX_RULE_VALUES = 5


@dataclass(frozen=True)
class ListenerRule:
    """Where the service sits on an ``existing_listener``: the rule's priority (unique on
    that listener, lower first) and what it matches (path patterns, host headers, or both;
    five values at most)."""

    priority: int
    path_patterns: tuple[str, ...] = ()
    host_headers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_int("priority", self.priority, minimum=1, maximum=50000)
        values = len(self.path_patterns) + len(self.host_headers)
        require(
            values >= 1,
            "ListenerRule needs at least one path pattern or host header: a shared listener's "
            "default action stays its owner's",
        )
        require(
            values <= MAX_RULE_VALUES,
            f"ListenerRule has {values} condition values: an ALB rule takes at most {MAX_RULE_VALUES}",
        )
        for pattern in self.path_patterns:
            require(
                isinstance(pattern, str) and bool(_PATH_PATTERN.fullmatch(pattern)),
                f"path_patterns entry ({pattern!r}) must start with '/' (at most 128 characters), e.g. '/api/*'",
            )
        for host in self.host_headers:
            require(
                isinstance(host, str) and bool(_HOST_HEADER.fullmatch(host)),
                f"host_headers entry ({host!r}) must be a lower-case host name such as 'api.example.com' "
                "(* and ? as wildcards)",
            )
