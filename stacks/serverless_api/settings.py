"""The items service's own per-stage settings."""

from __future__ import annotations

from dataclasses import dataclass

from cdk_refarch import Throttle


@dataclass(frozen=True)
class ServerlessApiSettings:
    """
    :param throttle: stage-wide API Gateway throttling (requests/s and burst).
    :param reserved_concurrency: per API function; ``None`` in the sandbox, because a
        new account's small concurrency quota cannot reserve any.
    :param cors_origins: browser origins the API answers; the sandbox allows a local
        front-end dev server, production none until a site is named.
    :param deletion_protection: the table and the user pool refuse deletion while on.
    :param mfa_required: every user of the pool signs in with a TOTP app as well; off in
        the sandbox, where users are the developers' own test users.
    """

    throttle: Throttle
    reserved_concurrency: int | None
    cors_origins: tuple[str, ...]
    deletion_protection: bool
    mfa_required: bool


SETTINGS = {
    "sandbox": ServerlessApiSettings(
        throttle=Throttle(rate_limit=10, burst_limit=20),
        reserved_concurrency=None,
        cors_origins=("http://localhost:5173",),
        deletion_protection=False,
        mfa_required=False,
    ),
    "production": ServerlessApiSettings(
        throttle=Throttle(rate_limit=100, burst_limit=200),
        reserved_concurrency=50,
        cors_origins=(),
        deletion_protection=True,
        mfa_required=True,
    ),
}
