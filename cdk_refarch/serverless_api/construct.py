"""ServerlessApi: a regional REST API in front of Python Lambda functions and DynamoDB.

Where the study notes and current AWS practice differ, this construct follows current
practice (see ``shared/PRACTICES.md``):

- API keys are not authentication (notes 001:3873, 003:1564 list them as an option):
  callers authenticate with IAM (SigV4) or a Cognito user pool; a key only meters a
  client through a usage plan, on top of that.
- Functions run on arm64 (Graviton) and the newest Python runtime, with active X-Ray
  tracing and a log group the construct owns, so logs expire and are deleted with it.
- Handlers get Powertools from the AWS-published Lambda layer rather than a bundle,
  so synth needs no Docker.
- Secrets never go into environment variables: ``ApiFunction(secrets=...)`` passes the
  ARN of a Secrets Manager secret or SSM parameter and grants read on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from cdk_refarch.core.alarms import alarm_topic
from cdk_refarch.core.front_door import (
    FrontDoorOptions,
    acknowledge_no_waf,
    alias_records,
    front_door_certificate,
    front_door_web_acl,
)
from cdk_refarch.core.names import pascal
from cdk_refarch.core.retention import log_retention
from cdk_refarch.core.tags import tag_pattern
from cdk_refarch.core.waf import WebAcl
from cdk_refarch.dynamo_table import DynamoTable, TableOptions
from cdk_refarch.serverless_api.api import add_routes, custom_domain, rest_api
from cdk_refarch.serverless_api.api import usage_plan as create_usage_plan
from cdk_refarch.serverless_api.auth import user_pool
from cdk_refarch.serverless_api.checks import check_serverless_api
from cdk_refarch.serverless_api.functions import api_function, powertools_layer
from cdk_refarch.serverless_api.monitoring import api_alarms
from cdk_refarch.serverless_api.options import (
    AlarmOptions,
    ApiAuthorization,
    ApiFunction,
    CognitoOptions,
    Route,
    Throttle,
    UsagePlanOptions,
)

#: The headers a browser may send cross-origin, unless ``cors_allow_headers`` says otherwise.
DEFAULT_CORS_ALLOW_HEADERS = ("Authorization", "Content-Type", "X-Amz-Date", "X-Amz-Security-Token", "X-Api-Key")


class ServerlessApi(Construct):
    """API Gateway REST API (regional) -> Python Lambda functions -> a DynamoDB table.

    Attributes: ``api``, ``function`` (the first of ``functions``), ``functions`` (by
    name), ``table``, ``url``, ``user_pool`` (Cognito only), ``web_acl`` (only when
    created here), ``alarm_topic``, ``alarms``, ``api_key`` (usage plan only).

    Each function gets the table's name in ``table_name_variable`` and, with CORS, the
    allowed origins (comma-separated) in ``cors_origins_variable``.

    Execution logging needs API Gateway's account-level role: deploy
    ``ApiGatewayAccountLogging`` once per account and region (the app's account stack).

    Every default and the reason for it is listed in ``cdk_refarch/serverless_api/README.md``.
    """

    PATTERN = "serverless-api"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: Mapping[str, ApiFunction],
        routes: Sequence[Route],
        table: TableOptions | None = None,
        existing_table: dynamodb.ITableV2 | None = None,
        authorization: ApiAuthorization = ApiAuthorization.IAM,
        cognito_options: CognitoOptions | None = None,
        cors_origins: Sequence[str] = (),
        cors_allow_headers: Sequence[str] = DEFAULT_CORS_ALLOW_HEADERS,
        throttle: Throttle = Throttle(),
        usage_plan: UsagePlanOptions | None = None,
        front_door: FrontDoorOptions = FrontDoorOptions(),
        alarms: AlarmOptions = AlarmOptions(),
        stage_name: str = "api",
        service_name: str | None = None,
        table_name_variable: str = "TABLE_NAME",
        cors_origins_variable: str = "CORS_ALLOW_ORIGINS",
        log_retention_days: int = 365,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        cors, headers = tuple(cors_origins), tuple(cors_allow_headers)
        check_serverless_api(
            self,
            functions=functions,
            routes=routes,
            table=table,
            existing_table=existing_table,
            authorization=authorization,
            cognito_options=cognito_options,
            cors_origins=cors,
            cors_allow_headers=headers,
            front_door=front_door,
            stage_name=stage_name,
            table_name_variable=table_name_variable,
            cors_origins_variable=cors_origins_variable,
            log_retention_days=log_retention_days,
        )
        tag_pattern(self)
        retention = log_retention("log_retention_days", log_retention_days)
        service = service_name or construct_id.lower()

        self.table: dynamodb.ITableV2 = existing_table or self._table(table, removal_policy)
        environment = {table_name_variable: self.table.table_name}
        if cors:
            environment[cors_origins_variable] = ",".join(cors)
        self.functions: dict[str, lambda_.Function] = self._functions(
            functions, service, environment, retention, removal_policy
        )
        self.function = next(iter(self.functions.values()))

        self.api = rest_api(
            self,
            service=service,
            stage_name=stage_name,
            throttle=throttle,
            methods=[route.method for route in routes],
            cors_origins=cors,
            cors_allow_headers=headers,
            custom_domain=front_door.domain_name is not None,
            retention=retention,
            removal_policy=removal_policy,
        )
        self.user_pool: cognito.IUserPool | None = None
        authorizer = None
        if authorization is ApiAuthorization.COGNITO:
            authorizer = self._cognito_authorizer(cognito_options or CognitoOptions(), removal_policy)
        add_routes(
            self,
            self.api,
            routes,
            self.functions,
            authorization=authorization,
            authorizer=authorizer,
            api_key_required=usage_plan is not None,
        )
        self.api_key: apigw.IApiKey | None = None
        if usage_plan is not None:
            self.api_key = create_usage_plan(self.api, usage_plan)
        self.url = self._front_door(front_door, log_retention_days, removal_policy)
        self.alarm_topic = alarms.topic or alarm_topic(self, removal_policy=removal_policy, email=alarms.email)
        self.alarms = api_alarms(
            self, api=self.api, functions=self.functions, table=self.table, options=alarms, topic=self.alarm_topic
        )

    def _functions(
        self,
        functions: Mapping[str, ApiFunction],
        service: str,
        environment: dict[str, str],
        retention: logs.RetentionDays,
        removal_policy: RemovalPolicy,
    ) -> dict[str, lambda_.Function]:
        """Each function in a scope of its own (``Items`` for ``items``), on one Powertools layer."""
        layer = powertools_layer(self)
        return {
            name: api_function(
                Construct(self, pascal(name)),
                name,
                spec,
                table=self.table,
                layer=layer,
                service=service,
                environment=environment,
                retention=retention,
                removal_policy=removal_policy,
            )
            for name, spec in functions.items()
        }

    def _cognito_authorizer(self, options: CognitoOptions, removal_policy: RemovalPolicy) -> apigw.IAuthorizer:
        self.user_pool = options.existing_user_pool
        if self.user_pool is None:
            pool = user_pool(self, options, removal_policy)
            # One public client for SRP sign-in from an app; a site adds its own (site_client).
            pool.add_client(
                "Client",
                auth_flows=cognito.AuthFlow(user_srp=True),
                generate_secret=False,
                prevent_user_existence_errors=True,
            )
            self.user_pool = pool
        return apigw.CognitoUserPoolsAuthorizer(self, "Authorizer", cognito_user_pools=[self.user_pool])

    def _table(self, options: TableOptions | None, removal_policy: RemovalPolicy) -> dynamodb.ITableV2:
        assert options is not None  # checked: exactly one of table and existing_table
        return DynamoTable(self, "Data", options=options, removal_policy=removal_policy).table

    def _front_door(self, front_door: FrontDoorOptions, log_retention_days: int, removal_policy: RemovalPolicy) -> str:
        """The custom domain (certificate, mapping, alias) and the web ACL; the URL."""
        url = self.api.url
        certificate = front_door_certificate(self, front_door)
        if front_door.domain_name is not None and certificate is not None:
            domain = custom_domain(self.api, front_door.domain_name, certificate)
            target = route53.RecordTarget.from_alias(targets.ApiGatewayDomain(domain))
            alias_records(self, front_door, target, ipv6=False)
            url = f"https://{front_door.domain_name}/"
        self.web_acl: WebAcl | None
        self.web_acl, web_acl_arn = front_door_web_acl(
            self,
            front_door,
            waf_scope="REGIONAL",
            metric_prefix="ServerlessApi",
            log_retention_days=log_retention_days,
            removal_policy=removal_policy,
        )
        if web_acl_arn is not None:
            wafv2.CfnWebACLAssociation(
                self, "WebAclAssociation", resource_arn=self.api.deployment_stage.stage_arn, web_acl_arn=web_acl_arn
            )
        acknowledge_no_waf(self.api, front_door, "AwsSolutions-APIG3")
        return url
