"""``event-driven-pipeline``: uploads become records and events, fanned out to queues
whose consumers write DynamoDB.

S3 -> EventBridge -> SQS -> Lambda (records, then an ``upload.processed`` event) -> SNS ->
three queues: ``processed`` (every processed upload) feeds daily upload statistics,
``images`` (image content types only, a filter on the attribute) and ``audit`` (every
message, filtered on nothing) feed an event log, one stream each. Queues, tables, bucket
and records are in stateful stacks; the consumers in a stateless one.

Every alarm of its patterns notifies one topic, in the stateful ``Alarms`` stack (the stage's
alarm e-mail subscribed); the ``Monitoring`` stack's dashboard shows each tier's golden
signals and those alarms."""

from __future__ import annotations

from aws_cdk import Stack

from cdk_refarch.fan_out import FilterPolicy, QueueOptions
from cdk_refarch.monitoring import pipeline_section, queue_section
from stacks.applications import roles
from stacks.applications.base import Application, Composition
from stacks.contracts import load_contract
from stacks.event_consumers.settings import VISIBILITY_TIMEOUT_SECONDS
from stacks.event_consumers.stack import Consumer, EventConsumersStack
from stacks.event_consumers.tables import event_log_table, upload_statistics_table
from stacks.fan_out.stack import FanOutStack
from stacks.upload_pipeline.stack import UploadPipelineStack


def _queues() -> tuple[dict[str, QueueOptions], dict[str, FilterPolicy]]:
    uploads = load_contract("uploads")
    processed = {uploads.EVENT_TYPE_ATTRIBUTE: [uploads.EVENT_TYPE]}
    queues = {
        "processed": QueueOptions(visibility_timeout_seconds=VISIBILITY_TIMEOUT_SECONDS),
        "images": QueueOptions(visibility_timeout_seconds=VISIBILITY_TIMEOUT_SECONDS),
        "audit": QueueOptions(visibility_timeout_seconds=VISIBILITY_TIMEOUT_SECONDS, retention_days=14),
    }
    filters = {
        "processed": FilterPolicy(processed),
        "images": FilterPolicy({**processed, uploads.CONTENT_TYPE_ATTRIBUTE: [{"prefix": "image/"}]}),
    }
    return queues, filters


def _build(application: Application, composition: Composition) -> list[Stack]:
    stage, env = composition.stage, composition.env
    label = "Event-driven pipeline"
    events_contract = load_contract("events")
    alarms = roles.alarms_stack(application, composition, label, env)
    queues, filters = _queues()
    events = composition.stack(
        application,
        "Events",
        FanOutStack,
        stateful=True,
        description=f"{label}: SNS topic of upload events, SQS queues, the consumers' tables ({stage.name})",
        queues=queues,
        filter_policies=filters,
        tables={"statistics": upload_statistics_table(stage), "event-log": event_log_table(stage)},
        alarm_topic=alarms.topic,
        env=env,
    )
    pipeline = composition.stack(
        application,
        "Pipeline",
        UploadPipelineStack,
        stateful=True,
        description=f"{label}: S3 uploads -> EventBridge -> SQS -> Lambda -> DynamoDB, SNS ({stage.name})",
        event_topic=events.fan_out.topic,
        event_topic_key=events.fan_out.key,
        alarm_topic=alarms.topic,
        env=env,
    )
    event_log = events.tables["event-log"]
    consumers = composition.stack(
        application,
        "Consumers",
        EventConsumersStack,
        description=f"{label}: Lambda consumers of the queues, writing statistics and the event log ({stage.name})",
        fan_out=events.fan_out,
        consumers=[
            Consumer("processed", events_contract.UPLOAD_STATISTICS_HANDLER, events.tables["statistics"]),
            Consumer("images", events_contract.EVENT_LOG_HANDLER, event_log, stream="images"),
            Consumer("audit", events_contract.EVENT_LOG_HANDLER, event_log, stream="audit"),
        ],
        metrics_namespace=application.title,
        env=env,
    )
    sections = [pipeline_section(pipeline.pipeline), queue_section(events.fan_out, consumers=consumers.functions)]
    monitoring = roles.monitoring_stack(
        application, composition, label, sections=sections, alarm_topic=alarms.topic, env=env
    )
    return [alarms, events, pipeline, consumers, monitoring]


APPLICATION = Application(
    name="event-driven-pipeline",
    title="EventDrivenPipeline",
    summary=(
        "UploadPipeline (S3 -> EventBridge -> SQS -> Lambda -> DynamoDB) publishing to FanOut (SNS -> SQS), "
        "whose consumers write upload statistics and an event log (DynamoDB)"
    ),
    build=_build,
)
