"""SNS: topics with their tags, and topic policies and subscriptions, which moto's
CloudFormation leaves out."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.sns.models import Topic as MotoTopic
from moto.sns.models import sns_backends

from emulator.models.base import SandboxModel, as_bool, as_json, as_list, tags_as_dict
from emulator.models.registry import overrides, registered


@overrides("AWS::SNS::Topic")
class Topic(MotoTopic):
    """moto's own topic model, plus its tags: moto keeps them as an attribute of the topic,
    where ``ListTagsForResource`` does not look."""

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[override]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> MotoTopic:
        topic = super().create_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name, **kwargs
        )
        tags = tags_as_dict((cloudformation_json.get("Properties") or {}).get("Tags"))
        if tags:
            sns_backends[account_id][region_name].tag_resource(topic.arn, tags)
        return topic


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

    # Subscription attributes CloudFormation sets after subscribing, as the API names them;
    # the scope before the policy, which moto reads (and validates) in the scope set then.
    _ATTRIBUTES = ("RawMessageDelivery", "FilterPolicyScope", "FilterPolicy", "RedrivePolicy", "DeliveryPolicy")

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
