"""The alarm stack: the one topic every alarm of an application notifies, with the
stage's alarm e-mail subscribed (``-c alarm_email=...``)."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_refarch.core.alarms import alarm_topic
from cdk_refarch.core.tags import tag_pattern
from stacks.stages import StageSettings


class AlarmsStack(Stack):
    """An encrypted alarm topic (``cdk_refarch.core.alarms.alarm_topic``) and its key,
    with the stage's alarm e-mail subscribed: ``topic``.

    The application's stacks pass ``topic`` to their patterns' alarm options, so their
    alarms reach one address through one subscription, and the patterns create no
    topic of their own. Stateful (termination protection in production): the e-mail
    subscription is confirmed by a person, and a new topic would mail nobody until the
    address confirms again; the key is kept in production. It depends on no other stack,
    so the stateful stacks that notify it never depend on a stateless one.
    """

    #: The sandbox finds this stack's smoke checks by this tag (deploy/smoke/alarm_topic.py).
    PATTERN = "alarm-topic"

    def __init__(self, scope: Construct, construct_id: str, *, stage: StageSettings, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        tag_pattern(self)
        self.topic = alarm_topic(self, removal_policy=stage.removal_policy, email=stage.alarm_email)
        CfnOutput(self, "AlarmTopicArn", value=self.topic.topic_arn, description="Every alarm of the application")


def alarm_destination(stage: StageSettings, alarm_topic: sns.ITopic | None) -> dict[str, Any]:
    """The ``topic=`` or ``email=`` of a pattern's alarm options (``TierAlarmOptions``,
    ``DatabaseAlarmOptions``...): the application's topic when given, else a topic of the
    pattern's own with the stage's e-mail subscribed."""
    if alarm_topic is not None:
        return {"topic": alarm_topic}
    return {"email": stage.alarm_email}
