"""The items service: a stateful stack (the table) and a stateless one (API + Lambda)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from cdk_refarch import ApiFunction, DynamoTable, Route, ServerlessApi, TableOptions
from stacks.stages import StageSettings

ITEMS_CODE = str(Path(__file__).resolve().parent.parent / "runtime" / "items")


def _items_models() -> ModuleType:
    """The handler's request schemas (standard library only), loaded from its folder."""
    spec = importlib.util.spec_from_file_location("items_models", Path(ITEMS_CODE) / "models.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def item_routes() -> list[Route]:
    models = _items_models()
    return [
        Route("POST", "/items", "items", body_schema=models.ITEM_CREATE_SCHEMA),
        Route("GET", "/items", "items"),
        Route("GET", "/items/{id}", "items"),
        Route("PUT", "/items/{id}", "items", body_schema=models.ITEM_UPDATE_SCHEMA),
        Route("DELETE", "/items/{id}", "items"),
    ]


class ServerlessDataStack(Stack):
    """The items table, apart from the API so the API can be replaced freely."""

    PATTERN = "serverless-api"

    def __init__(self, scope: Construct, construct_id: str, *, stage: StageSettings, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.items = DynamoTable(
            self,
            "Items",
            options=TableOptions(
                partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
                deletion_protection=stage.deletion_protection,
            ),
            removal_policy=stage.removal_policy,
        )
        CfnOutput(self, "TableName", value=self.items.table.table_name, description="The items table")


class ServerlessApiStack(Stack):
    """The items REST API and its function, on the table of ``ServerlessDataStack``."""

    PATTERN = "serverless-api"

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
        self.service = ServerlessApi(
            self,
            "Items",
            service_name="items",
            functions={
                "items": ApiFunction(
                    code_path=ITEMS_CODE,
                    table_actions=(
                        "dynamodb:GetItem",
                        "dynamodb:PutItem",
                        "dynamodb:UpdateItem",
                        "dynamodb:DeleteItem",
                        "dynamodb:Scan",
                    ),
                    reserved_concurrency=stage.reserved_concurrency,
                )
            },
            routes=item_routes(),
            existing_table=table,
            cors_origins=stage.cors_origins,
            throttle=stage.api_throttle,
            web_acl=stage.web_acl_options(),
            log_retention_days=stage.log_retention_days,
            removal_policy=stage.removal_policy,
        )
        stage.waive_web_acl(self.service.api, "AwsSolutions-APIG3")

        CfnOutput(self, "ApiUrl", value=self.service.url, description="The API's base URL (IAM-signed requests)")
        CfnOutput(self, "FunctionName", value=self.service.function.function_name, description="The items function")
