"""API Gateway's account-level CloudWatch Logs role: one per account and region."""

from __future__ import annotations

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk_refarch.core.nag import acknowledge
from cdk_refarch.core.tags import tag_pattern


class ApiGatewayAccountLogging(Construct):
    """The role API Gateway uses to write execution logs, set for the account and region.

    Every REST API stage with execution logging (ServerlessApi's default) needs it, and
    it is one setting per account and region: keep it in a stack of its own that every
    API stack depends on, and never destroy it with an API (the role and the setting
    are retained: deleting them would stop execution logs of every API in the region).
    The trust policy lets API Gateway assume the role for this account only.

    Attributes: ``role``, ``account``.
    """

    PATTERN = "account-baseline"

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        tag_pattern(self)
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal(
                "apigateway.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}},
            ),
            description="API Gateway writes REST API execution logs to CloudWatch Logs (account-wide)",
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AmazonAPIGatewayPushToCloudWatchLogs")
            ],
        )
        self.role.apply_removal_policy(RemovalPolicy.RETAIN)
        self.account = apigw.CfnAccount(self, "Account", cloud_watch_role_arn=self.role.role_arn)
        self.account.apply_removal_policy(RemovalPolicy.RETAIN)
        acknowledge(
            self.role,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
            "API Gateway's account-level logging role; this AWS managed policy is the one AWS "
            "documents for it and only allows writing CloudWatch Logs.",
        )
