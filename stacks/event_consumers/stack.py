"""The event consumers' stack: ``runtime/events`` functions on the fan-out stack's queues,
writing its tables. Stateless: replacing it loses no message and no item."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from cdk_refarch.core.errors import require
from cdk_refarch.core.functions import powertools_layer, python_function
from cdk_refarch.core.names import pascal
from cdk_refarch.core.retention import log_retention
from cdk_refarch.core.tags import tag_pattern
from cdk_refarch.fan_out import FanOut, QueueConsumer
from stacks.contracts import RUNTIME, load_contract
from stacks.event_consumers.settings import SETTINGS
from stacks.stages import StageSettings, for_stage

EVENTS_CODE = str(RUNTIME / "events")


@dataclass(frozen=True)
class Consumer:
    """One queue's consumer.

    :param queue: the fan-out queue it consumes.
    :param handler: ``EVENT_LOG_HANDLER`` or ``UPLOAD_STATISTICS_HANDLER`` of
        ``runtime/events/contract.py``.
    :param table: the table it writes.
    :param stream: the event log's stream (the event log only).
    """

    queue: str
    handler: str
    table: dynamodb.ITableV2
    stream: str | None = None


def _handler_settings(consumer: Consumer) -> tuple[dict[str, str], list[str]]:
    """The handler's own environment variables and the table actions it needs: a
    conditional put for the event log; for the statistics, a transaction of a put (the
    marker) and updates (the counters), which DynamoDB authorizes action by action."""
    contract = load_contract("events")
    if consumer.handler == contract.EVENT_LOG_HANDLER:
        stream = contract.check_stream(consumer.stream, f"stream of consumer {consumer.queue!r}")
        return (
            {contract.ENV_EVENT_LOG_TABLE: consumer.table.table_name, contract.ENV_EVENT_STREAM: stream},
            ["dynamodb:PutItem"],
        )
    require(
        consumer.handler == contract.UPLOAD_STATISTICS_HANDLER,
        f"handler ({consumer.handler!r}) must be {contract.EVENT_LOG_HANDLER!r} or "
        f"{contract.UPLOAD_STATISTICS_HANDLER!r}",
    )
    require(consumer.stream is None, f"stream ({consumer.stream!r}) is for the event log only")
    return {contract.ENV_STATISTICS_TABLE: consumer.table.table_name}, ["dynamodb:PutItem", "dynamodb:UpdateItem"]


class EventConsumersStack(Stack):
    """A function per entry of ``consumers``, each consuming its queue of ``fan_out`` (a
    stateful stack's) with partial batch responses, under ``<Queue>`` construct IDs.

    ``functions``: queue name -> function, for the dashboard. A message a function fails
    on returns to its queue, then goes to the queue's dead-letter queue, whose alarm (the
    fan-out's) notifies the application's topic. Its resources carry the ``Pattern`` tag
    ``event-consumers``, which names their smoke checks (``deploy/smoke/event_consumers.py``).
    """

    PATTERN = "event-consumers"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageSettings,
        fan_out: FanOut,
        consumers: Sequence[Consumer],
        metrics_namespace: str,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        tag_pattern(self)
        settings = for_stage(SETTINGS, stage)
        contract = load_contract("events")
        layer = powertools_layer(self)
        self.functions: dict[str, lambda_.Function] = {}
        for consumer in consumers:
            environment, actions = _handler_settings(consumer)
            scope_ = Construct(self, pascal(consumer.queue))
            function = python_function(
                scope_,
                code_path=EVENTS_CODE,
                handler=consumer.handler,
                memory_size=settings.memory_size,
                timeout_seconds=settings.timeout_seconds,
                reserved_concurrency=None,
                layer=layer,
                environment={
                    **environment,
                    contract.ENV_SERVICE_NAME: f"{consumer.queue}-consumer",
                    contract.ENV_METRICS_NAMESPACE: metrics_namespace,
                    contract.ENV_LOG_LEVEL: "INFO",
                },
                description=f"Consumes the {consumer.queue} queue into a table ({consumer.handler})",
                role_description=f"{consumer.queue} queue consumer function",
                retention=log_retention("log_retention_days", stage.log_retention_days),
                removal_policy=stage.removal_policy,
            )
            consumer.table.grant(function, *actions)
            fan_out.add_consumer(
                consumer.queue, QueueConsumer(function, maximum_concurrency=settings.maximum_concurrency)
            )
            self.functions[consumer.queue] = function
