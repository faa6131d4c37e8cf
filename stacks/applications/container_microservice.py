"""``container-microservice``: a Fargate service behind an ALB, with its database, and a
topic for its domain events whose worker queue a Lambda consumer writes to an event log.

The tasks get the database's address and login (from its secret, at task start) and may
publish to the topic (``EVENTS_TOPIC_ARN``); the ``worker`` queue takes every message
that names its ``event_type``. Network, database, topic, queue and table are in stateful
stacks; the service and the worker in stateless ones.

Every alarm of its patterns notifies one topic, in the stateful ``Alarms`` stack (the stage's
alarm e-mail subscribed); the ``Monitoring`` stack's dashboard shows each tier's golden
signals and those alarms."""

from __future__ import annotations

from aws_cdk import Stack

from cdk_refarch.fan_out import FilterPolicy, QueueOptions
from cdk_refarch.monitoring import database_section, load_balancer_section, queue_section
from stacks.applications import roles
from stacks.applications.base import Application, Composition
from stacks.container_service.stack import ContainerServiceStack
from stacks.contracts import load_contract
from stacks.event_consumers.settings import VISIBILITY_TIMEOUT_SECONDS
from stacks.event_consumers.stack import Consumer, EventConsumersStack
from stacks.event_consumers.tables import event_log_table
from stacks.fan_out.stack import FanOutStack

#: The event log's stream of the service's domain events.
DOMAIN_EVENTS_STREAM = "domain-events"


def _build(application: Application, composition: Composition) -> list[Stack]:
    stage, env = composition.stage, composition.vpc_env
    label = "Container microservice"
    events_contract = load_contract("events")
    alarms = roles.alarms_stack(application, composition, label, env)
    network, data = roles.network_and_database(application, composition, label, alarms.topic)
    events = composition.stack(
        application,
        "Events",
        FanOutStack,
        stateful=True,
        description=f"{label}: SNS topic of domain events, the worker's queue and event log ({stage.name})",
        queues={"worker": QueueOptions(visibility_timeout_seconds=VISIBILITY_TIMEOUT_SECONDS)},
        filter_policies={"worker": FilterPolicy({events_contract.EVENT_TYPE_ATTRIBUTE: [{"exists": True}]})},
        tables={"event-log": event_log_table(stage)},
        alarm_topic=alarms.topic,
        env=env,
    )
    service = composition.stack(
        application,
        "Service",
        ContainerServiceStack,
        description=f"{label}: ALB + ECS service on Fargate ({stage.name})",
        network=network.network,
        database=data.database,
        events=events.fan_out,
        alarm_topic=alarms.topic,
        domain=composition.domain("service_domain"),
        env=env,
    )
    worker = composition.stack(
        application,
        "Worker",
        EventConsumersStack,
        description=f"{label}: the worker, a Lambda consumer of domain events writing the event log ({stage.name})",
        fan_out=events.fan_out,
        consumers=[
            Consumer("worker", events_contract.EVENT_LOG_HANDLER, events.tables["event-log"], DOMAIN_EVENTS_STREAM)
        ],
        metrics_namespace=application.title,
        env=env,
    )
    sections = [
        load_balancer_section(service.service),
        database_section(data.database),
        queue_section(events.fan_out, consumers=worker.functions),
    ]
    monitoring = roles.monitoring_stack(
        application, composition, label, sections=sections, alarm_topic=alarms.topic, env=env
    )
    return [alarms, network, data, events, service, worker, monitoring]


APPLICATION = Application(
    name="container-microservice",
    title="ContainerMicroservice",
    summary=(
        "Network + ContainerService (ALB + Fargate) + Database, the database open to the tasks only; "
        "FanOut for the service's domain events, a worker consuming them into an event log"
    ),
    build=_build,
)
