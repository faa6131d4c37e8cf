"""The items service: a stateful stack (the table and the users) and a stateless one
(API + Lambda), which takes the users' ID tokens."""

from __future__ import annotations

from dataclasses import replace

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_refarch import (
    AlarmOptions,
    ApiAuthorization,
    ApiFunction,
    CognitoOptions,
    DynamoTable,
    FrontDoorOptions,
    Route,
    ServerlessApi,
    TableOptions,
    WebAclOptions,
)
from cdk_refarch.serverless_api.auth import managed_login_domain, user_pool
from stacks.alarms.stack import alarm_destination
from stacks.serverless_api.contract import ITEMS_CODE, items_contract
from stacks.serverless_api.settings import SETTINGS
from stacks.stages import StageSettings, for_stage

#: The DynamoDB actions the items handler calls, and so all it is granted.
ITEM_TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Scan",
)


def item_routes() -> list[Route]:
    """The API's routes, from the handler's contract, all served by the ``items`` function."""
    return [Route(spec.method, spec.path, "items", body_schema=spec.body_schema) for spec in items_contract().ROUTES]


def behind_cloudfront(options: WebAclOptions | None) -> WebAclOptions | None:
    """The stage's web ACL for the API, without its per-IP rate rule.

    Browsers reach the API through the site's CloudFront distribution (``/api/*``), whose
    own web ACL limits each viewer's IP; this regional ACL sees CloudFront's addresses
    instead, so its per-IP count would add up every viewer behind one edge server and
    block them together. A caller of the API's own URL still meets the managed rules,
    the Cognito authorizer and the stage's throttle.
    """
    return None if options is None else replace(options, rate_limit=None)


class ServerlessDataStack(Stack):
    """The items table and the user pool (with its managed login domain), apart from the
    API and the site so those can be replaced freely: both hold data."""

    def __init__(self, scope: Construct, construct_id: str, *, stage: StageSettings, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        settings = for_stage(SETTINGS, stage)
        self.items = DynamoTable(
            self,
            "Items",
            options=TableOptions(
                partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
                deletion_protection=settings.deletion_protection,
            ),
            removal_policy=stage.removal_policy,
        )
        self.user_pool = user_pool(
            self,
            CognitoOptions(mfa_required=settings.mfa_required),
            stage.removal_policy,
            deletion_protection=settings.deletion_protection,
        )
        self.login_domain = managed_login_domain(self.user_pool)
        CfnOutput(self, "TableName", value=self.items.table.table_name, description="The items table")
        CfnOutput(self, "UserPoolId", value=self.user_pool.user_pool_id, description="The users (no self sign-up)")
        CfnOutput(self, "LoginUrl", value=self.login_domain.base_url(), description="Managed login's domain")


class ServerlessApiStack(Stack):
    """The items REST API and its function, on the table of ``ServerlessDataStack``; callers
    send an ID token of its user pool (no scopes on the methods, so the ID token is the
    one the authorizer takes)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageSettings,
        table: dynamodb.ITableV2,
        user_pool: cognito.IUserPool,
        alarm_topic: sns.ITopic | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        settings = for_stage(SETTINGS, stage)
        contract = items_contract()
        self.service = ServerlessApi(
            self,
            "Items",
            service_name="items",
            functions={
                "items": ApiFunction(
                    code_path=ITEMS_CODE,
                    handler=contract.HANDLER,
                    table_actions=ITEM_TABLE_ACTIONS,
                    reserved_concurrency=settings.reserved_concurrency,
                )
            },
            routes=item_routes(),
            existing_table=table,
            authorization=ApiAuthorization.COGNITO,
            cognito_options=CognitoOptions(existing_user_pool=user_pool),
            cors_origins=settings.cors_origins,
            cors_allow_headers=contract.CORS_ALLOW_HEADERS,
            table_name_variable=contract.ENV_TABLE_NAME,
            cors_origins_variable=contract.ENV_CORS_ALLOW_ORIGINS,
            throttle=settings.throttle,
            front_door=FrontDoorOptions(web_acl=behind_cloudfront(stage.web_acl_options())),
            alarms=AlarmOptions(**alarm_destination(stage, alarm_topic)),
            log_retention_days=stage.log_retention_days,
            removal_policy=stage.removal_policy,
        )
        CfnOutput(self, "ApiUrl", value=self.service.url, description="The API's base URL (Cognito ID tokens)")
        CfnOutput(self, "FunctionName", value=self.service.function.function_name, description="The items function")
