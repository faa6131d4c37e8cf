"""SNS topic policies and subscriptions, which moto's CloudFormation leaves out."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.sns.models import sns_backends

from emulator.models.base import SandboxModel, as_bool, as_json, as_list
from emulator.models.registry import registered


@registered
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
            backend.set_topic_attribute(topic_arn, "policy", as_json(properties["PolicyDocument"]))
        resource = cls(name, account_id, region_name, properties, {"Id": name})
        resource.previous_policies = previous
        return resource

    def remove(self) -> None:
        # A deleted AWS::SNS::TopicPolicy gives the topic its default policy back.
        backend = sns_backends[self.account_id][self.region_name]
        for topic_arn, policy in getattr(self, "previous_policies", {}).items():
            if topic_arn in backend.topics:
                backend.set_topic_attribute(topic_arn, "policy", policy)


@registered
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
            backend.set_subscription_attributes(subscription.arn, attribute, as_json(value))
        return cls(subscription.arn, account_id, region_name, properties, {"Arn": subscription.arn})

    def remove(self) -> None:
        sns_backends[self.account_id][self.region_name].unsubscribe(self.physical_resource_id)
