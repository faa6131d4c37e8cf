"""``container-microservice``: a Fargate service behind an ALB, with its database.

Every alarm of its patterns notifies one topic, in the stateful ``Alarms`` stack (the stage's
alarm e-mail subscribed); the ``Monitoring`` stack's dashboard shows each tier's golden
signals and those alarms."""

from __future__ import annotations

from aws_cdk import Stack

from cdk_refarch.monitoring import database_section, load_balancer_section
from stacks.alarms.stack import AlarmsStack
from stacks.applications.base import Application, Composition
from stacks.container_service.stack import ContainerServiceStack
from stacks.database.stack import DatabaseStack
from stacks.monitoring.stack import MonitoringStack
from stacks.network.stack import NetworkStack


def _build(application: Application, composition: Composition) -> list[Stack]:
    stage = composition.stage.name
    alarms = composition.stack(
        application,
        "Alarms",
        AlarmsStack,
        stateful=True,
        description=f"Container microservice: the alarm topic every alarm of the application notifies ({stage})",
        env=composition.vpc_env,
    )
    network = composition.stack(
        application,
        "Network",
        NetworkStack,
        stateful=True,
        description=f"Container microservice: VPC, NAT, flow logs, endpoints ({stage})",
        env=composition.vpc_env,
    )
    data = composition.stack(
        application,
        "Data",
        DatabaseStack,
        stateful=True,
        description=f"Container microservice: RDS PostgreSQL and a Valkey cache ({stage})",
        network=network.network,
        alarm_topic=alarms.topic,
        env=composition.vpc_env,
    )
    service = composition.stack(
        application,
        "Service",
        ContainerServiceStack,
        description=f"Container microservice: ALB + ECS service on Fargate ({stage})",
        network=network.network,
        database=data.database,
        alarm_topic=alarms.topic,
        domain=composition.domain("service_domain"),
        env=composition.vpc_env,
    )
    monitoring = composition.stack(
        application,
        "Monitoring",
        MonitoringStack,
        description=f"Container microservice: CloudWatch dashboard of its tiers ({stage})",
        sections=[load_balancer_section(service.service), database_section(data.database)],
        alarm_topic=alarms.topic,
        env=composition.vpc_env,
    )
    return [alarms, network, data, service, monitoring]


APPLICATION = Application(
    name="container-microservice",
    title="ContainerMicroservice",
    summary="Network + ContainerService (ALB + Fargate) + Database, the database open to the tasks only",
    build=_build,
)
