"""The fan-out stack: ``FanOut`` (a topic of events and the queues subscribed to it) and
the tables its consumers write, both stateful."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_refarch.core.names import pascal
from cdk_refarch.dynamo_table import DynamoTable, TableOptions
from cdk_refarch.fan_out import FanOut, FanOutAlarmOptions, FilterPolicy, QueueOptions
from stacks.alarms.stack import alarm_destination
from stacks.stages import StageSettings

_NO_TABLES: Mapping[str, TableOptions] = MappingProxyType({})


class FanOutStack(Stack):
    """A topic, one queue per entry of ``queues`` (filtered by ``filter_policies``), and a
    table per entry of ``tables`` for the consumers (``stacks/event_consumers``), which
    live in a stateless stack of their own: queues and tables keep their messages and
    items when the consumers are replaced.

    The alarms notify ``alarm_topic`` (the application's); without one, a topic of its
    own mailing the stage's alarm e-mail.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageSettings,
        queues: Mapping[str, QueueOptions],
        filter_policies: Mapping[str, FilterPolicy],
        tables: Mapping[str, TableOptions] = _NO_TABLES,
        alarm_topic: sns.ITopic | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.fan_out = FanOut(
            self,
            "Events",
            queues=queues,
            filter_policies=filter_policies,
            alarms=FanOutAlarmOptions(**alarm_destination(stage, alarm_topic)),
            removal_policy=stage.removal_policy,
        )
        self.tables: dict[str, dynamodb.ITableV2] = {
            name: DynamoTable(self, f"{pascal(name)}Table", options=options, removal_policy=stage.removal_policy).table
            for name, options in tables.items()
        }
        CfnOutput(self, "TopicArn", value=self.fan_out.topic.topic_arn, description="Publish events here")
        for name, queue in self.fan_out.queues.items():
            CfnOutput(self, f"{pascal(name)}QueueUrl", value=queue.queue_url, description=f"The {name} queue")
        for name, table in self.tables.items():
            CfnOutput(self, f"{pascal(name)}TableName", value=table.table_name, description=f"The {name} table")
