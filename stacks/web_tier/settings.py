"""The web tier stack's own per-stage settings."""

from __future__ import annotations

from dataclasses import dataclass

from cdk_refarch.core.capacity import Capacity


@dataclass(frozen=True)
class WebTierSettings:
    """
    :param capacity: the Auto Scaling group's minimum / desired / maximum.
    :param instance_type: Graviton; the smallest in the sandbox.
    :param deletion_protection: the load balancer refuses deletion while on.
    """

    capacity: Capacity
    instance_type: str
    deletion_protection: bool


SETTINGS = {
    "sandbox": WebTierSettings(
        capacity=Capacity(minimum=1, desired=1, maximum=2), instance_type="t4g.micro", deletion_protection=False
    ),
    "production": WebTierSettings(
        capacity=Capacity(minimum=2, desired=2, maximum=6), instance_type="t4g.small", deletion_protection=True
    ),
}
