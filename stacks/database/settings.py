"""The database stack's own per-stage settings."""

from __future__ import annotations

from dataclasses import dataclass

from cdk_refarch.database import CacheOptions


@dataclass(frozen=True)
class DatabaseSettings:
    """
    :param production: the construct's production profile: Multi-AZ, 30-day backups,
        deletion protection, a final snapshot on deletion, m7g instances; off in the
        sandbox (single-AZ t4g.micro, 7-day backups, deleted with the stack).
    :param cache: the cache in front: one t4g.micro node in the sandbox, a primary and a
        replica in two AZs with automatic failover in production (the profile's defaults).
    """

    production: bool
    cache: CacheOptions | None


SETTINGS = {
    "sandbox": DatabaseSettings(production=False, cache=CacheOptions()),
    "production": DatabaseSettings(production=True, cache=CacheOptions()),
}
