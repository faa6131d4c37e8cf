"""Stacks that use ServerlessApi's options; part of the variants app (../static_site/variants.py)."""

from __future__ import annotations

from aws_cdk import App, RemovalPolicy, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_sns as sns

from cdk_refarch import (
    AlarmOptions,
    ApiAuthorization,
    ApiFunction,
    CognitoOptions,
    FrontDoorOptions,
    ProvisionedCapacity,
    Route,
    ServerlessApi,
    TableOptions,
    Throttle,
    UsagePlanOptions,
    WebAclOptions,
)
from stacks.serverless_api.stack import ITEMS_CODE, item_routes
from tests.cdk_refarch.static_site.variants import EU_WEST_1, ZONE_ID

API_CERT = "arn:aws:acm:eu-west-1:111111111111:certificate/11111111-2222-3333-4444-555555555555"
API_WEB_ACL = "arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/shared/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
ORIGINS = ("https://app.example.com", "http://localhost:5173")
ITEM_KEY = dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING)
READ_ONLY = ("dynamodb:GetItem", "dynamodb:Scan")
READ_WRITE = READ_ONLY + ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem")


def build_api_variants(app: App) -> list[Stack]:
    stacks: list[Stack] = []

    # Every default: a table created here, one function, IAM auth, no CORS.
    defaults = Stack(app, "ApiDefaults")
    ServerlessApi(
        defaults,
        "Service",
        functions={"items": ApiFunction(code_path=ITEMS_CODE, table_actions=READ_WRITE)},
        routes=item_routes(),
        table=TableOptions(partition_key=ITEM_KEY),
    )
    stacks.append(defaults)

    # Cognito (a pool created here, MFA required), a usage plan, CORS allow-list,
    # throttling, alarm options with a given topic, two functions, a provisioned
    # table with sort key, TTL, stream and a customer-managed key, and a web ACL.
    full = Stack(app, "ApiOptions", env=EU_WEST_1)
    topic_key = kms.Key(full, "TopicKey", enable_key_rotation=True)
    ServerlessApi(
        full,
        "Service",
        functions={
            "writer": ApiFunction(
                code_path=ITEMS_CODE,
                table_actions=READ_WRITE,
                memory_size=1024,
                timeout_seconds=29,
                reserved_concurrency=5,
                environment={"FEATURE": "on"},
            ),
            "reader": ApiFunction(code_path=ITEMS_CODE, table_actions=READ_ONLY),
        },
        routes=[
            Route("POST", "/orders/{customer}", "writer", body_schema={"type": "object"}),
            Route("GET", "/orders/{customer}", "reader"),
        ],
        table=TableOptions(
            partition_key=dynamodb.Attribute(name="customer", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="order", type=dynamodb.AttributeType.NUMBER),
            provisioned=ProvisionedCapacity(min_read=2, max_read=20, min_write=1, max_write=5),
            encryption_key=kms.Key(full, "TableKey", enable_key_rotation=True),
            time_to_live_attribute="expires_at",
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
            deletion_protection=True,
        ),
        authorization=ApiAuthorization.COGNITO,
        cognito_options=CognitoOptions(mfa_required=True),
        cors_origins=ORIGINS,
        throttle=Throttle(rate_limit=5, burst_limit=7),
        usage_plan=UsagePlanOptions(rate_limit=2, burst_limit=4, quota_per_day=500),
        front_door=FrontDoorOptions(web_acl=WebAclOptions(rate_limit=300)),
        alarms=AlarmOptions(
            server_error_rate=0.05,
            latency_p99_ms=1500,
            topic=sns.Topic(full, "OpsTopic", master_key=topic_key, enforce_ssl=True),
        ),
        service_name="orders",
        stage_name="v1",
        log_retention_days=30,
        removal_policy=RemovalPolicy.DESTROY,
    )
    stacks.append(full)

    # A custom domain with an imported regional certificate, an existing table and
    # user pool, an imported web ACL, and any origin (asked for explicitly).
    domain = Stack(app, "ApiDomain", env=EU_WEST_1)
    zone = route53.HostedZone.from_hosted_zone_attributes(
        domain, "Zone", hosted_zone_id=ZONE_ID, zone_name="example.com"
    )
    ServerlessApi(
        domain,
        "Service",
        functions={"items": ApiFunction(code_path=ITEMS_CODE, table_actions=READ_ONLY)},
        routes=[Route("GET", "/items", "items")],
        existing_table=dynamodb.TableV2.from_table_name(domain, "Existing", "items-table"),
        authorization=ApiAuthorization.COGNITO,
        cognito_options=CognitoOptions(
            existing_user_pool=cognito.UserPool.from_user_pool_id(domain, "Pool", "eu-west-1_abcdefghi")
        ),
        cors_origins=("*",),
        front_door=FrontDoorOptions(
            domain_name="api.example.com",
            hosted_zone=zone,
            certificate=acm.Certificate.from_certificate_arn(domain, "Cert", API_CERT),
            web_acl_arn=API_WEB_ACL,
        ),
    )
    stacks.append(domain)
    return stacks
