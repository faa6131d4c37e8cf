"""SQS queue policies, SNS topic policies and SNS subscriptions."""

from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.sns.models import sns_backends
from moto.sqs.exceptions import QueueDoesNotExist
from moto.sqs.models import sqs_backends

from deploy.models.base import SandboxModel, as_bool, as_list


def _json(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


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
                queue_url.rstrip("/").rsplit("/", 1)[-1], {"Policy": _json(properties["PolicyDocument"])}
            )
        return cls(name, account_id, region_name, properties, {"Id": name})

    def remove(self) -> None:
        backend = sqs_backends[self.account_id][self.region_name]
        for queue_url in as_list(self.properties["Queues"]):
            try:
                backend.set_queue_attributes(queue_url.rstrip("/").rsplit("/", 1)[-1], {"Policy": ""})
            except QueueDoesNotExist:
                pass


class TopicPolicy(SandboxModel, CloudFormationModel):
    TYPE = "AWS::SNS::TopicPolicy"
    ATTRIBUTES = ("Id",)

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> TopicPolicy:
        backend = sns_backends[account_id][region_name]
        previous = {}
        for topic_arn in as_list(properties["Topics"]):
            previous[topic_arn] = backend.get_topic(topic_arn).policy
            backend.set_topic_attribute(topic_arn, "policy", _json(properties["PolicyDocument"]))
        resource = cls(name, account_id, region_name, properties, {"Id": name})
        resource.previous_policies = previous
        return resource

    def remove(self) -> None:
        # A deleted AWS::SNS::TopicPolicy gives the topic its default policy back.
        backend = sns_backends[self.account_id][self.region_name]
        for topic_arn, policy in getattr(self, "previous_policies", {}).items():
            if topic_arn in backend.topics:
                backend.set_topic_attribute(topic_arn, "policy", policy)


class Subscription(SandboxModel, CloudFormationModel):
    TYPE = "AWS::SNS::Subscription"
    ATTRIBUTES = ("Arn",)

    # Subscription attributes CloudFormation sets after subscribing, as the API names them.
    _ATTRIBUTES = ("RawMessageDelivery", "FilterPolicy", "FilterPolicyScope", "RedrivePolicy", "DeliveryPolicy")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> Subscription:
        backend = sns_backends[account_id][region_name]
        subscription = backend.subscribe(properties["TopicArn"], properties["Endpoint"], properties["Protocol"])
        for attribute in cls._ATTRIBUTES:
            if attribute not in properties:
                continue
            value = properties[attribute]
            if attribute == "RawMessageDelivery":
                value = "true" if as_bool(value) else "false"
            backend.set_subscription_attributes(subscription.arn, attribute, _json(value))
        return cls(subscription.arn, account_id, region_name, properties, {"Arn": subscription.arn})

    def remove(self) -> None:
        sns_backends[self.account_id][self.region_name].unsubscribe(self.physical_resource_id)
