"""The database stack: ``Database`` (RDS and a cache) in the network stack's isolated
subnets, open only to the tiers that ask (``Database.allow_from``, from their stacks)."""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_refarch import Network
from cdk_refarch.database import Database, DatabaseAlarmOptions
from stacks.alarms.stack import alarm_destination
from stacks.database.settings import SETTINGS
from stacks.stages import StageSettings, for_stage

#: The application's database on the instance, created with it (RDS's ``DBName``).
DATABASE_NAME = "app"


class DatabaseStack(Stack):
    """PostgreSQL with a Valkey cache, for the stage: Multi-AZ with failover replicas in
    production; single-AZ and one cache node in the sandbox, which is the construct's
    non-production profile (7-day backups, no deletion protection, deleted with the stack).

    The tiers that connect (the web tier's instances, the container service's tasks)
    call ``database.allow_from`` in their own stacks, which depend on this one: three-tier
    chaining, on the database's and the cache's port only, never from an address range,
    and this stateful stack never depends on a stateless one.

    The database's and the cache's alarms notify ``alarm_topic`` (the application's,
    from its stateful alarm stack); without one, a topic of its own mailing the stage's
    alarm e-mail.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageSettings,
        network: Network,
        alarm_topic: sns.ITopic | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        settings = for_stage(SETTINGS, stage)
        self.database = Database(
            self,
            "Database",
            vpc=network.vpc,
            database_name=DATABASE_NAME,
            production=settings.production,
            cache=settings.cache,
            alarms=DatabaseAlarmOptions(**alarm_destination(stage, alarm_topic)),
            log_retention_days=stage.log_retention_days,
        )
        CfnOutput(self, "Endpoint", value=self.database.endpoint.socket_address, description="host:port")
        CfnOutput(self, "SecretArn", value=self.database.secret.secret_arn, description="The master user's secret")
