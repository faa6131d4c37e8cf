"""The messaging tiers' sections: SNS fan-out to SQS queues (and their consumers), and
the upload pipeline (EventBridge rule -> SQS buffer -> Lambda)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs

from cdk_refarch.core.errors import require
from cdk_refarch.fan_out import FanOut
from cdk_refarch.monitoring.section import Section, section_title
from cdk_refarch.monitoring.widgets import HALF, PERIOD, function_widgets, graph, line, per_item
from cdk_refarch.upload_pipeline import UploadPipeline

_NONE: Mapping[str, lambda_.IFunction] = MappingProxyType({})
_QUEUE_NOTE = (
    "The topic, then one line per queue. A queue's latency is the age of its oldest message; "
    "its saturation, the messages waiting. Any dead letter is a message nobody will process."
)
_PIPELINE_NOTE = (
    "The rule (S3's `Object Created` events on the default bus), the buffer queue, then the consumer function."
)


def _queue_widgets(
    queues: Mapping[str, sqs.IQueue], dead_letters: Mapping[str, sqs.IQueue], *, arrivals: str | None
) -> list[cloudwatch.IWidget]:
    """Arrivals (titled ``arrivals``; none without), dead letters waiting, oldest message
    age and messages waiting/in flight."""
    waiting = per_item(queues, lambda q: q.metric_approximate_number_of_messages_visible(), "Maximum", " waiting")
    in_flight = per_item(
        queues, lambda q: q.metric_approximate_number_of_messages_not_visible(), "Maximum", " in flight"
    )
    widgets: list[cloudwatch.IWidget] = []
    if arrivals is not None:
        widgets.append(
            graph(arrivals, per_item(queues, lambda q: q.metric_number_of_messages_sent(), "Sum"), unit="Count")
        )
    return [
        *widgets,
        graph(
            "Dead letters waiting",
            per_item(dead_letters, lambda q: q.metric_approximate_number_of_messages_visible(), "Maximum"),
            unit="Count",
        ),
        graph(
            "Oldest message age",
            per_item(queues, lambda q: q.metric_approximate_age_of_oldest_message(), "Maximum"),
            unit="Seconds",
        ),
        graph("Queue depth", waiting + in_flight, unit="Count"),
    ]


def queue_section(
    fan_out: FanOut, *, consumers: Mapping[str, lambda_.IFunction] = _NONE, title: str | None = None
) -> Section:
    """The topic's messages published, delivered, filtered out and failed; per queue:
    messages sent, dead letters waiting (its own dead-letter queue, and the topic's
    delivery one), oldest message age and queue depth; with ``consumers`` (queue name ->
    the function you gave ``FanOut(consumers=...)``), their functions' golden signals;
    the fan-out's alarms."""
    require(isinstance(fan_out, FanOut), f"fan_out ({fan_out!r}) must be a FanOut")
    require(isinstance(consumers, Mapping), f"consumers ({consumers!r}) must map queue names to functions")
    unknown = sorted(set(consumers) - set(fan_out.queues))
    require(
        not unknown,
        f"consumers names {', '.join(repr(name) for name in unknown)}, which is not a queue of the fan-out; "
        f"queues: {', '.join(sorted(fan_out.queues))}",
    )
    for name, function in consumers.items():
        require(isinstance(function, lambda_.FunctionBase), f"consumers['{name}'] ({function!r}) must be a function")
    topic = fan_out.topic
    dead_letters: dict[str, sqs.IQueue] = {f"{name} DLQ": queue for name, queue in fan_out.dead_letter_queues.items()}
    dead_letters["delivery DLQ"] = fan_out.delivery_dead_letter_queue
    rows: list[list[cloudwatch.IWidget]] = [
        [
            graph(
                "Published",
                [line(topic.metric_number_of_messages_published(), "Published", "Sum")],
                width=HALF,
                unit="Count",
            ),
            graph(
                "Deliveries",
                [
                    line(topic.metric_number_of_notifications_delivered(), "Delivered", "Sum"),
                    line(topic.metric_number_of_notifications_filtered_out(), "Filtered out", "Sum"),
                    line(topic.metric_number_of_notifications_failed(), "Failed", "Sum"),
                ],
                width=HALF,
                unit="Count",
            ),
        ],
        _queue_widgets(fan_out.queues, dead_letters, arrivals="Messages sent to each queue"),
    ]
    if consumers:
        rows.append(function_widgets(consumers, what="Consumers"))
    return Section(
        title=section_title("Fan-out", fan_out, title), rows=rows, alarms=fan_out.alarms, description=_QUEUE_NOTE
    )


def pipeline_section(pipeline: UploadPipeline, *, title: str | None = None) -> Section:
    """The rule's matched events, deliveries (the buffer's arrivals) and failed
    deliveries; dead letters waiting in the buffer's and the rule's dead-letter queues;
    the buffer's oldest message age and depth; the consumer's invocations, errors and
    throttles, duration p50/p90/p99 and concurrent executions; the pipeline's alarms."""
    require(isinstance(pipeline, UploadPipeline), f"pipeline ({pipeline!r}) must be an UploadPipeline")

    def rule_metric(metric_name: str) -> cloudwatch.Metric:
        # S3's events reach the default bus, whose rules' metrics carry only RuleName.
        return cloudwatch.Metric(
            namespace="AWS/Events",
            metric_name=metric_name,
            dimensions_map={"RuleName": pipeline.rule.rule_name},
            period=PERIOD,
        )

    rule = graph(
        "Rule",
        [
            line(rule_metric("MatchedEvents"), "Matched", "Sum"),
            line(rule_metric("Invocations"), "Delivered", "Sum"),
            line(rule_metric("FailedInvocations"), "Failed", "Sum"),
        ],
        unit="Count",
    )
    queues = {"buffer": pipeline.queue}
    dead_letters = {"buffer DLQ": pipeline.dead_letter_queue, "rule DLQ": pipeline.rule_dead_letter_queue}
    return Section(
        title=section_title("Upload pipeline", pipeline, title),
        rows=[
            # The rule's deliveries are the buffer's arrivals.
            [rule, *_queue_widgets(queues, dead_letters, arrivals=None)],
            function_widgets({"consumer": pipeline.function}, what="Consumer"),
        ],
        alarms=pipeline.alarms,
        description=_PIPELINE_NOTE,
    )
