"""The stacks several applications share in the same form: the alarm topic, the network
and its database, and the dashboard. Each application module composes them with its own
tiers; the description names the application (``label``) and the stage."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Environment
from aws_cdk import aws_sns as sns

from cdk_refarch.monitoring import Section
from stacks.alarms.stack import AlarmsStack
from stacks.applications.base import Application, Composition
from stacks.database.stack import DatabaseStack
from stacks.monitoring.stack import MonitoringStack
from stacks.network.stack import NetworkStack


def alarms_stack(application: Application, composition: Composition, label: str, env: Environment) -> AlarmsStack:
    """``<App>-<Stage>-Alarms``: the one topic every alarm of the application notifies."""
    stack: AlarmsStack = composition.stack(
        application,
        "Alarms",
        AlarmsStack,
        stateful=True,
        description=f"{label}: the alarm topic every alarm of the application notifies ({composition.stage.name})",
        env=env,
    )
    return stack


def network_and_database(
    application: Application, composition: Composition, label: str, alarm_topic: sns.ITopic
) -> tuple[NetworkStack, DatabaseStack]:
    """``<App>-<Stage>-Network`` and ``-Data`` (RDS and its cache in the isolated subnets),
    both stateful, in the VPC environment."""
    stage = composition.stage.name
    network: NetworkStack = composition.stack(
        application,
        "Network",
        NetworkStack,
        stateful=True,
        description=f"{label}: VPC, NAT, flow logs, endpoints ({stage})",
        env=composition.vpc_env,
    )
    data: DatabaseStack = composition.stack(
        application,
        "Data",
        DatabaseStack,
        stateful=True,
        description=f"{label}: RDS PostgreSQL and a Valkey cache ({stage})",
        network=network.network,
        alarm_topic=alarm_topic,
        env=composition.vpc_env,
    )
    return network, data


def monitoring_stack(
    application: Application,
    composition: Composition,
    label: str,
    *,
    sections: Sequence[Section],
    alarm_topic: sns.ITopic | None,
    env: Environment,
) -> MonitoringStack:
    """``<App>-<Stage>-Monitoring``: the dashboard of the application's tiers and alarms."""
    stack: MonitoringStack = composition.stack(
        application,
        "Monitoring",
        MonitoringStack,
        description=f"{label}: CloudWatch dashboard of its tiers ({composition.stage.name})",
        sections=sections,
        alarm_topic=alarm_topic,
        env=env,
    )
    return stack
