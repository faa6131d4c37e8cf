"""Settings that exist once per AWS account and region, kept out of every stage's stacks."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from cdk_refarch import ApiGatewayAccountLogging


class AccountStack(Stack):
    """API Gateway's account-level CloudWatch Logs role, for every REST API of the region.

    Deployed by every stage under the same stack name, and retained in every stage: its
    role and setting are RETAIN, because destroying them would stop execution logs of
    every API in the account and region, the production stage's included.
    """

    def __init__(self, scope: Construct, construct_id: str, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.api_gateway_logging = ApiGatewayAccountLogging(self, "ApiGatewayLogging")
