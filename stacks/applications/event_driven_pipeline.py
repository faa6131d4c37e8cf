"""``event-driven-pipeline``: uploads become records and events, fanned out to queues.

Every alarm of its patterns notifies one topic, in the stateful ``Alarms`` stack (the stage's
alarm e-mail subscribed); the ``Monitoring`` stack's dashboard shows each tier's golden
signals and those alarms."""

from __future__ import annotations

from aws_cdk import Stack

from cdk_refarch.monitoring import pipeline_section, queue_section
from stacks.applications import roles
from stacks.applications.base import Application, Composition
from stacks.fan_out.stack import FanOutStack
from stacks.upload_pipeline.stack import UploadPipelineStack


def _build(application: Application, composition: Composition) -> list[Stack]:
    stage = composition.stage.name
    label = "Event-driven pipeline"
    alarms = roles.alarms_stack(application, composition, label, composition.env)
    events = composition.stack(
        application,
        "Events",
        FanOutStack,
        stateful=True,
        description=f"Event-driven pipeline: SNS topic of upload events fanned out to SQS queues ({stage})",
        alarm_topic=alarms.topic,
        env=composition.env,
    )
    pipeline = composition.stack(
        application,
        "Pipeline",
        UploadPipelineStack,
        stateful=True,
        description=f"Event-driven pipeline: S3 uploads -> EventBridge -> SQS -> Lambda -> DynamoDB, SNS ({stage})",
        event_topic=events.fan_out.topic,
        event_topic_key=events.fan_out.key,
        alarm_topic=alarms.topic,
        env=composition.env,
    )
    sections = [pipeline_section(pipeline.pipeline), queue_section(events.fan_out)]
    monitoring = roles.monitoring_stack(
        application, composition, label, sections=sections, alarm_topic=alarms.topic, env=composition.env
    )
    return [alarms, events, pipeline, monitoring]


APPLICATION = Application(
    name="event-driven-pipeline",
    title="EventDrivenPipeline",
    summary="UploadPipeline (S3 -> EventBridge -> SQS -> Lambda -> DynamoDB) publishing to FanOut (SNS -> SQS)",
    build=_build,
)
