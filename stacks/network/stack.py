"""The network stack: ``Network``, the VPC the app's VPC-bound stacks are built in."""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from cdk_refarch import Network
from stacks.network.settings import SETTINGS
from stacks.stages import StageSettings, for_stage


class NetworkStack(Stack):
    """The VPC, its NAT gateways, flow logs and endpoints, with the stage's settings.

    Stateful: the stacks built in it (web tier, containers, database) take
    ``network`` (its ``vpc`` and ``workload_subnets``) as constructs, never by name, and
    can be replaced without touching it.
    """

    def __init__(self, scope: Construct, construct_id: str, *, stage: StageSettings, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        settings = for_stage(SETTINGS, stage)
        self.network = Network(
            self,
            "Network",
            vpc=settings.vpc,
            interface_endpoints=settings.interface_endpoints,
            log_retention_days=stage.log_retention_days,
            removal_policy=stage.removal_policy,
        )
        CfnOutput(self, "VpcId", value=self.network.vpc.vpc_id, description="The VPC")
