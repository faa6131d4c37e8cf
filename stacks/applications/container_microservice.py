"""``container-microservice``: a Fargate service behind an ALB, with its database.

Every alarm of its patterns notifies one topic, in the stateful ``Alarms`` stack (the stage's
alarm e-mail subscribed); the ``Monitoring`` stack's dashboard shows each tier's golden
signals and those alarms."""

from __future__ import annotations

from aws_cdk import Stack

from cdk_refarch.monitoring import database_section, load_balancer_section
from stacks.applications import roles
from stacks.applications.base import Application, Composition
from stacks.container_service.stack import ContainerServiceStack


def _build(application: Application, composition: Composition) -> list[Stack]:
    label, env = "Container microservice", composition.vpc_env
    alarms = roles.alarms_stack(application, composition, label, env)
    network, data = roles.network_and_database(application, composition, label, alarms.topic)
    service = composition.stack(
        application,
        "Service",
        ContainerServiceStack,
        description=f"{label}: ALB + ECS service on Fargate ({composition.stage.name})",
        network=network.network,
        database=data.database,
        alarm_topic=alarms.topic,
        domain=composition.domain("service_domain"),
        env=env,
    )
    sections = [load_balancer_section(service.service), database_section(data.database)]
    monitoring = roles.monitoring_stack(
        application, composition, label, sections=sections, alarm_topic=alarms.topic, env=env
    )
    return [alarms, network, data, service, monitoring]


APPLICATION = Application(
    name="container-microservice",
    title="ContainerMicroservice",
    summary="Network + ContainerService (ALB + Fargate) + Database, the database open to the tasks only",
    build=_build,
)
