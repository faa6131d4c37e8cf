"""The fan-out stack: ``FanOut``, one topic of upload events and the queues that subscribe to it."""

from __future__ import annotations

from types import ModuleType

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_refarch.fan_out import FanOut, FanOutAlarmOptions, FilterPolicy, QueueOptions
from stacks.alarms.stack import alarm_destination
from stacks.contracts import load_contract
from stacks.stages import StageSettings


def uploads_contract() -> ModuleType:
    """``runtime/uploads/contract.py``: the events the upload pipeline publishes."""
    return load_contract("uploads")


class FanOutStack(Stack):
    """A topic for the upload pipeline's events and three subscriber queues: ``processed``
    takes every processed upload, ``images`` only images (a filter on the content-type
    attribute), ``audit`` every message the topic gets, filtered on nothing.

    The queues keep their messages for the consumers of the reference applications; in
    this stack nobody consumes them yet, so their age alarm tells when one backs up.
    The alarms notify ``alarm_topic`` (the application's); without one, a topic of its own
    mailing the stage's alarm e-mail.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageSettings,
        alarm_topic: sns.ITopic | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        contract = uploads_contract()
        self.fan_out = FanOut(
            self,
            "Events",
            queues={"processed": QueueOptions(), "images": QueueOptions(), "audit": QueueOptions(retention_days=14)},
            filter_policies={
                "processed": FilterPolicy({contract.EVENT_TYPE_ATTRIBUTE: [contract.EVENT_TYPE]}),
                "images": FilterPolicy(
                    {
                        contract.EVENT_TYPE_ATTRIBUTE: [contract.EVENT_TYPE],
                        contract.CONTENT_TYPE_ATTRIBUTE: [{"prefix": "image/"}],
                    }
                ),
            },
            alarms=FanOutAlarmOptions(**alarm_destination(stage, alarm_topic)),
            removal_policy=stage.removal_policy,
        )
        CfnOutput(self, "TopicArn", value=self.fan_out.topic.topic_arn, description="Publish events here")
        for name, queue in self.fan_out.queues.items():
            CfnOutput(self, f"{name.capitalize()}QueueUrl", value=queue.queue_url, description=f"The {name} queue")
