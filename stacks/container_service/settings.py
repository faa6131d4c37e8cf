"""The container service stack's own per-stage settings."""

from __future__ import annotations

from dataclasses import dataclass

from cdk_refarch.container_service import TaskSize
from cdk_refarch.core.capacity import Capacity


@dataclass(frozen=True)
class ContainerServiceSettings:
    """
    :param capacity: tasks: minimum / desired / maximum. One in the sandbox (7 USD a month
        saved); two across AZs in production.
    :param task: Fargate CPU units and memory.
    :param deletion_protection: the load balancer refuses deletion while on.
    """

    capacity: Capacity
    task: TaskSize
    deletion_protection: bool


SETTINGS = {
    "sandbox": ContainerServiceSettings(
        capacity=Capacity(minimum=1, desired=1, maximum=2), task=TaskSize(256, 512), deletion_protection=False
    ),
    "production": ContainerServiceSettings(
        capacity=Capacity(minimum=2, desired=2, maximum=6), task=TaskSize(512, 1024), deletion_protection=True
    ),
}
