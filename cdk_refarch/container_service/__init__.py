"""ALB + ECS on Fargate: ``ContainerService``."""

from cdk_refarch.container_service.construct import ContainerService
from cdk_refarch.container_service.options import (
    DEFAULT_IMAGE,
    DEFAULT_PORT,
    EcsExecOptions,
    ListenerRule,
    ScratchVolume,
    TaskSize,
)

__all__ = [
    "DEFAULT_IMAGE",
    "DEFAULT_PORT",
    "ContainerService",
    "EcsExecOptions",
    "ListenerRule",
    "ScratchVolume",
    "TaskSize",
]
