"""The items service: a stateful stack (the table) and a stateless one (API + Lambda)."""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from cdk_refarch import AlarmOptions, ApiFunction, DynamoTable, FrontDoorOptions, Route, ServerlessApi, TableOptions
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


class ServerlessDataStack(Stack):
    """The items table, apart from the API so the API can be replaced freely."""

    def __init__(self, scope: Construct, construct_id: str, *, stage: StageSettings, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.items = DynamoTable(
            self,
            "Items",
            options=TableOptions(
                partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
                deletion_protection=for_stage(SETTINGS, stage).deletion_protection,
            ),
            removal_policy=stage.removal_policy,
        )
        CfnOutput(self, "TableName", value=self.items.table.table_name, description="The items table")


class ServerlessApiStack(Stack):
    """The items REST API and its function, on the table of ``ServerlessDataStack``."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageSettings,
        table: dynamodb.ITableV2,
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
            cors_origins=settings.cors_origins,
            cors_allow_headers=contract.CORS_ALLOW_HEADERS,
            table_name_variable=contract.ENV_TABLE_NAME,
            cors_origins_variable=contract.ENV_CORS_ALLOW_ORIGINS,
            throttle=settings.throttle,
            front_door=FrontDoorOptions(web_acl=stage.web_acl_options()),
            alarms=AlarmOptions(email=stage.alarm_email),
            log_retention_days=stage.log_retention_days,
            removal_policy=stage.removal_policy,
        )
        CfnOutput(self, "ApiUrl", value=self.service.url, description="The API's base URL (IAM-signed requests)")
        CfnOutput(self, "FunctionName", value=self.service.function.function_name, description="The items function")
