"""The database stack: ``Database`` (RDS and a cache) in the network stack's isolated
subnets, open only to the compute tiers' security groups."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from cdk_refarch import Network
from cdk_refarch.database import Database, DatabaseAlarmOptions
from stacks.database.settings import SETTINGS
from stacks.stages import StageSettings, for_stage


class DatabaseStack(Stack):
    """PostgreSQL with a Valkey cache, for the stage: Multi-AZ with failover replicas in
    production; single-AZ and one cache node in the sandbox, which is the construct's
    non-production profile (7-day backups, no deletion protection, deleted with the stack).

    ``app_security_groups`` are the tiers that connect (the web tier's instances, the
    container service's tasks): three-tier chaining, each on the database's and the
    cache's port only, never from an address range.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageSettings,
        network: Network,
        app_security_groups: Sequence[ec2.ISecurityGroup],
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        settings = for_stage(SETTINGS, stage)
        self.database = Database(
            self,
            "Database",
            vpc=network.vpc,
            production=settings.production,
            allowed_peers=app_security_groups,
            cache=settings.cache,
            alarms=DatabaseAlarmOptions(email=stage.alarm_email),
            log_retention_days=stage.log_retention_days,
        )
        CfnOutput(self, "Endpoint", value=self.database.endpoint.socket_address, description="host:port")
        CfnOutput(self, "SecretArn", value=self.database.secret.secret_arn, description="The master user's secret")
