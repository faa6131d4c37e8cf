"""``three-tier-web``: an ALB and an Auto Scaling group in front of RDS, in their own VPC.

Every alarm of its patterns notifies one topic, in the stateful ``Alarms`` stack (the stage's
alarm e-mail subscribed); the ``Monitoring`` stack's dashboard shows each tier's golden
signals and those alarms."""

from __future__ import annotations

from aws_cdk import Stack

from cdk_refarch.monitoring import database_section, load_balancer_section
from stacks.applications import roles
from stacks.applications.base import Application, Composition
from stacks.web_tier.stack import WebTierStack


def _build(application: Application, composition: Composition) -> list[Stack]:
    label, env = "Three-tier web", composition.vpc_env
    alarms = roles.alarms_stack(application, composition, label, env)
    network, data = roles.network_and_database(application, composition, label, alarms.topic)
    web = composition.stack(
        application,
        "Web",
        WebTierStack,
        description=f"{label}: ALB + Auto Scaling group of EC2 instances ({composition.stage.name})",
        network=network.network,
        database=data.database,
        alarm_topic=alarms.topic,
        domain=composition.domain("web_domain"),
        env=env,
    )
    sections = [load_balancer_section(web.web), database_section(data.database)]
    monitoring = roles.monitoring_stack(
        application, composition, label, sections=sections, alarm_topic=alarms.topic, env=env
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
