"""The container service stack: ``ContainerService`` on Fargate in the network stack's VPC."""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack, Token
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_refarch import Database, Network
from cdk_refarch.container_service import ContainerService
from cdk_refarch.core.load_balancer_alarms import TierAlarmOptions
from cdk_refarch.fan_out import FanOut
from stacks.alarms.stack import alarm_destination
from stacks.container_service.settings import SETTINGS
from stacks.database.stack import DATABASE_NAME
from stacks.domains import Domain, load_balancer_front_door
from stacks.stages import StageSettings, for_stage

#: The container's variables: where the database is, and where to
#: publish domain events. The login comes from the database's secret, which ECS reads
#: when a task starts: the values are in no template, no task definition, no console.
HOST_VARIABLE, PORT_VARIABLE, NAME_VARIABLE = "DATABASE_HOST", "DATABASE_PORT", "DATABASE_NAME"
USERNAME_VARIABLE, PASSWORD_VARIABLE = "DATABASE_USERNAME", "DATABASE_PASSWORD"
TOPIC_VARIABLE = "EVENTS_TOPIC_ARN"


class ContainerServiceStack(Stack):
    """A Fargate service behind the shared ALB front door, running the construct's default
    registry image (asset images need Docker, which the sandbox does not have).

    With a ``database``, the tasks reach its port (``allow_from``) and get its address in
    ``DATABASE_HOST``, ``DATABASE_PORT`` and ``DATABASE_NAME``, and its master login in
    ``DATABASE_USERNAME`` and ``DATABASE_PASSWORD`` from the RDS-managed secret (ECS
    reads it at task start; RDS rotates it every 7 days, so a service that keeps tasks
    longer re-reads it, or restarts them, on an authentication failure). With ``events``
    (a fan-out), the task role may publish to its topic, named in ``EVENTS_TOPIC_ARN``:
    the service's domain events, with an ``event_type`` message attribute
    (``runtime/events/README.md``). The default image (NGINX) uses neither; your image does.

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
        events: FanOut | None = None,
        alarm_topic: sns.ITopic | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        settings = for_stage(SETTINGS, stage)
        front_door, load_balancer = load_balancer_front_door(
            self, domain, stage.web_acl_options(), deletion_protection=settings.deletion_protection
        )
        environment: dict[str, str] = {}
        secrets: dict[str, ecs.Secret] = {}
        if database is not None:
            # The secret by ARN alone: ECS grants the execution role read on it, and
            # grant_secret_read the decryption, both in this stack (see its docstring).
            login = secretsmanager.Secret.from_secret_complete_arn(self, "DatabaseLogin", database.secret.secret_arn)
            environment |= {
                HOST_VARIABLE: database.endpoint.hostname,
                PORT_VARIABLE: Token.as_string(database.endpoint.port),
                NAME_VARIABLE: DATABASE_NAME,
            }
            secrets |= {
                USERNAME_VARIABLE: ecs.Secret.from_secrets_manager(login, "username"),
                PASSWORD_VARIABLE: ecs.Secret.from_secrets_manager(login, "password"),
            }
        if events is not None:
            environment[TOPIC_VARIABLE] = events.topic.topic_arn
        self.service = ContainerService(
            self,
            "Service",
            vpc=network.vpc,
            vpc_subnets=network.workload_subnets,
            environment=environment,
            secrets=secrets,
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
            database.grant_secret_read(self.service.execution_role)
        if events is not None:
            events.grant_publish(self.service.task_role)
        CfnOutput(self, "Url", value=self.service.url or "", description="The service's address")
