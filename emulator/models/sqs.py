"""SQS: queues as CloudFormation creates them, and queue policies, which moto's
CloudFormation leaves out."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.sqs.exceptions import QueueDoesNotExist
from moto.sqs.models import Queue as MotoQueue
from moto.sqs.models import sqs_backends

from emulator.models.base import SandboxModel, as_bool, as_json, as_list
from emulator.models.registry import overrides, registered

#: SQS's longest queue name.
MAX_NAME = 80


@overrides("AWS::SQS::Queue")
class Queue(MotoQueue):
    """moto's own queue model, where it differs from CloudFormation and SQS:

    - a FIFO queue without ``QueueName``: CloudFormation's generated name ends in
      ``.fifo``, as SQS requires; moto's does not, and the queue fails;
    - a queue encrypted with a KMS key: SQS turns SSE-SQS off (``SqsManagedSseEnabled``
      false), where moto reports both on.
    """

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[override]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> MotoQueue:
        properties = dict(cloudformation_json.get("Properties") or {})
        if as_bool(properties.get("FifoQueue")) and not properties.get("QueueName"):
            resource_name = f"{str(resource_name)[: MAX_NAME - len('.fifo')]}.fifo"
        if properties.get("KmsMasterKeyId") and "SqsManagedSseEnabled" not in properties:
            properties["SqsManagedSseEnabled"] = False
        return super().create_from_cloudformation_json(
            resource_name, {**cloudformation_json, "Properties": properties}, account_id, region_name, **kwargs
        )


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
