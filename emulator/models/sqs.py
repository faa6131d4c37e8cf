"""SQS queue policies, which moto's CloudFormation leaves out."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.sqs.exceptions import QueueDoesNotExist
from moto.sqs.models import sqs_backends

from emulator.models.base import SandboxModel, as_json, as_list
from emulator.models.registry import registered


@registered
class QueuePolicy(SandboxModel, CloudFormationModel):
    TYPE = "AWS::SQS::QueuePolicy"
    ATTRIBUTES = ("Id",)

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> QueuePolicy:
        backend = sqs_backends[account_id][region_name]
        for queue_url in as_list(properties["Queues"]):
            backend.set_queue_attributes(
                queue_url.rstrip("/").rsplit("/", 1)[-1], {"Policy": as_json(properties["PolicyDocument"])}
            )
        return cls(name, account_id, region_name, properties, {"Id": name})

    def remove(self) -> None:
        backend = sqs_backends[self.account_id][self.region_name]
        for queue_url in as_list(self.properties["Queues"]):
            try:
                backend.set_queue_attributes(queue_url.rstrip("/").rsplit("/", 1)[-1], {"Policy": ""})
            except QueueDoesNotExist:
                pass
