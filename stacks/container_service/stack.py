"""The container service stack: ``ContainerService`` on Fargate in the network stack's VPC."""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_refarch import Database, Network
from cdk_refarch.container_service import ContainerService
from cdk_refarch.core.load_balancer_alarms import TierAlarmOptions
from stacks.alarms.stack import alarm_destination
from stacks.container_service.settings import SETTINGS
from stacks.domains import Domain, load_balancer_front_door
from stacks.stages import StageSettings, for_stage


class ContainerServiceStack(Stack):
    """A Fargate service behind the shared ALB front door, running the construct's default
    registry image (asset images need Docker, which the sandbox does not have).

    Without a domain the load balancer serves plain HTTP (a notice at synth), which
    ``make deploy STAGE=production`` refuses. Its alarms notify ``alarm_topic`` (the
    application's); without one, a topic of its own mailing the stage's alarm e-mail.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageSettings,
        network: Network,
        domain: Domain | None = None,
        database: Database | None = None,
        alarm_topic: sns.ITopic | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        settings = for_stage(SETTINGS, stage)
        front_door, load_balancer = load_balancer_front_door(
            self, domain, stage.web_acl_options(), deletion_protection=settings.deletion_protection
        )
        self.service = ContainerService(
            self,
            "Service",
            vpc=network.vpc,
            vpc_subnets=network.workload_subnets,
            task=settings.task,
            capacity=settings.capacity,
            front_door=front_door,
            load_balancer=load_balancer,
            alarms=TierAlarmOptions(**alarm_destination(stage, alarm_topic)),
            log_retention_days=stage.log_retention_days,
            removal_policy=stage.removal_policy,
        )
        if database is not None:
            database.allow_from(self.service.security_group)
        CfnOutput(self, "Url", value=self.service.url or "", description="The service's address")
