"""The one customer managed key of a fan-out, and who may use it.

SNS delivers to an encrypted queue only when its key lets the SNS service principal use
it, which the AWS managed ``alias/aws/sqs`` key never does (aws-cdk #19796): so topic,
queues and dead-letter queues share one customer managed key, rotated yearly.

The key's policy names this topic only (``aws:SourceArn``). The topic is encrypted with
the key, so a ``Ref`` to the topic in the key's policy would make each wait for the
other (Key -> Topic -> Key, which CloudFormation refuses). The topic gets a name
derived from its construct path instead, and the key's policy its ARN built from that
name: no reference, the same ARN.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Names, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

#: What SNS calls on the key: as a publisher when it publishes (encrypting the message),
#: as itself when it delivers into a queue. Exactly these; AWS's examples often grant
#: ``kms:GenerateDataKey*``, which adds the data-key-pair and without-plaintext calls that
#: SNS never makes (and which cdk-nag reports as a wildcard).
SNS_KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")
#: SNS topic names: up to 256 characters, ".fifo" included for a FIFO topic.
_TOPIC_NAME_LENGTH = 256 - len(".fifo")


def topic_name(scope: Construct, *, fifo: bool) -> str:
    """A name unique to the stack and ``scope``'s path, e.g. ``Stack-Orders-1A2B3C4D``
    (``.fifo`` appended for a FIFO topic, as SNS requires)."""
    name = Names.unique_resource_name(scope, max_length=_TOPIC_NAME_LENGTH, separator="-")
    return f"{name}.fifo" if fifo else name


def topic_arn(scope: Construct, name: str) -> str:
    """The ARN SNS gives the topic named ``name`` in ``scope``'s stack."""
    return Stack.of(scope).format_arn(service="sns", resource=name)


def data_key(
    scope: Construct, *, existing_key: kms.IKey | None, topic_arn: str, removal_policy: RemovalPolicy
) -> kms.IKey:
    """``existing_key``, or a new rotated key (``Key``); either way SNS may use it to
    deliver for this topic. A key imported by ARN cannot be changed here: its policy
    must already allow that (see the README)."""
    key = existing_key or kms.Key(
        scope,
        "Key",
        enable_key_rotation=True,
        description="Encrypts a fan-out topic, its queues and their dead-letter queues",
        removal_policy=removal_policy,
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowSnsToDeliverForTheTopic",
            actions=list(SNS_KEY_ACTIONS),
            principals=[iam.ServicePrincipal("sns.amazonaws.com")],
            resources=["*"],
            conditions={"ArnEquals": {"aws:SourceArn": topic_arn}},
        )
    )
    return key


def allow_publishers(topic: sns.Topic, key: kms.IKey, publishers: Sequence[iam.IPrincipal]) -> None:
    """Let each publisher publish by the topic's and the key's own policies: one statement
    each, so a principal's conditions (``aws:SourceArn`` of a service...) stay its own."""
    for principal in publishers:
        topic.add_to_resource_policy(
            iam.PolicyStatement(actions=["sns:Publish"], principals=[principal], resources=[topic.topic_arn])
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(actions=list(SNS_KEY_ACTIONS), principals=[principal], resources=["*"])
        )
