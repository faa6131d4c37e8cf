"""``three-tier-web``: an ALB and an Auto Scaling group in front of RDS, in their own VPC.

Every alarm of its patterns notifies one topic, in the stateful ``Alarms`` stack (the stage's
alarm e-mail subscribed); the ``Monitoring`` stack's dashboard shows each tier's golden
signals and those alarms."""

from __future__ import annotations

from aws_cdk import Stack

from cdk_refarch.monitoring import database_section, load_balancer_section
from stacks.alarms.stack import AlarmsStack
from stacks.applications.base import Application, Composition
from stacks.database.stack import DatabaseStack
from stacks.monitoring.stack import MonitoringStack
from stacks.network.stack import NetworkStack
from stacks.web_tier.stack import WebTierStack


def _build(application: Application, composition: Composition) -> list[Stack]:
    stage = composition.stage.name
    alarms = composition.stack(
        application,
        "Alarms",
        AlarmsStack,
        stateful=True,
        description=f"Three-tier web: the alarm topic every alarm of the application notifies ({stage})",
        env=composition.vpc_env,
    )
    network = composition.stack(
        application,
        "Network",
        NetworkStack,
        stateful=True,
        description=f"Three-tier web: VPC, NAT, flow logs, endpoints ({stage})",
        env=composition.vpc_env,
    )
    data = composition.stack(
        application,
        "Data",
        DatabaseStack,
        stateful=True,
        description=f"Three-tier web: RDS PostgreSQL and a Valkey cache ({stage})",
        network=network.network,
        alarm_topic=alarms.topic,
        env=composition.vpc_env,
    )
    web = composition.stack(
        application,
        "Web",
        WebTierStack,
        description=f"Three-tier web: ALB + Auto Scaling group of EC2 instances ({stage})",
        network=network.network,
        database=data.database,
        alarm_topic=alarms.topic,
        domain=composition.domain("web_domain"),
        env=composition.vpc_env,
    )
    monitoring = composition.stack(
        application,
        "Monitoring",
        MonitoringStack,
        description=f"Three-tier web: CloudWatch dashboard of its tiers ({stage})",
        sections=[load_balancer_section(web.web), database_section(data.database)],
        alarm_topic=alarms.topic,
        env=composition.vpc_env,
    )
    return [alarms, network, data, web, monitoring]


APPLICATION = Application(
    name="three-tier-web",
    title="ThreeTierWeb",
    summary=(
        "Network + WebTier (ALB + Auto Scaling group) + Database (RDS, Valkey cache), the database open "
        "to the web tier only"
    ),
    build=_build,
)
