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
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from aws_cdk import Duration, RemovalPolicy, Stack, Token
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from aws_cdk import aws_sns as sns
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from cdk_refarch.core.dns import check_domain
from cdk_refarch.core.errors import require
from cdk_refarch.core.nag import acknowledge
from cdk_refarch.core.retention import log_retention
from cdk_refarch.core.waf import WebAclOptions, check_web_acl_arn, new_web_acl
from cdk_refarch.dynamo_table import DynamoTable, TableOptions
from cdk_refarch.serverless_api.options import (
    AlarmOptions,
    ApiAuthorization,
    ApiFunction,
    CognitoOptions,
    Route,
    Throttle,
    UsagePlanOptions,
    check_cors_origins,
)

#: The runtime and the Powertools layer built for it; they move together.
RUNTIME = lambda_.Runtime.PYTHON_3_14
#: AWS publishes Powertools for AWS Lambda (Python) as a layer in every commercial
#: region from this account; version 36 carries aws-lambda-powertools 3.31.1, the
#: release runtime/items/requirements.txt pins for the unit tests.
POWERTOOLS_LAYER = "arn:{partition}:lambda:{region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python314-arm64:36"

# One JSON line per request: who, what, how long, and the errors API Gateway saw.
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "extendedRequestId": "$context.extendedRequestId",
        "requestTime": "$context.requestTime",
        "ip": "$context.identity.sourceIp",
        "caller": "$context.identity.caller",
        "user": "$context.identity.user",
        "userArn": "$context.identity.userArn",
        "cognitoSub": "$context.authorizer.claims.sub",
        "httpMethod": "$context.httpMethod",
        "resourcePath": "$context.resourcePath",
        "protocol": "$context.protocol",
        "status": "$context.status",
        "responseLength": "$context.responseLength",
        "responseLatency": "$context.responseLatency",
        "integrationLatency": "$context.integration.latency",
        "integrationError": "$context.integration.error",
        "errorMessage": "$context.error.message",
        "validationError": "$context.error.validationErrorString",
        "apiKeyId": "$context.identity.apiKeyId",
        "xrayTraceId": "$context.xrayTraceId",
    },
    separators=(",", ":"),
)

_STAGE_NAME = re.compile(r"^[A-Za-z0-9_]{1,128}$")


class ServerlessApi(Construct):
    """API Gateway REST API (regional) -> Python Lambda functions -> a DynamoDB table.

    Attributes: ``api``, ``function`` (the first of ``functions``), ``functions`` (by
    name), ``table``, ``url``, ``user_pool`` (Cognito only), ``web_acl`` (only when
    created here), ``alarm_topic``, ``alarms``, ``api_key`` (usage plan only).

    Every default and the reason for it is listed in ``patterns/serverless_api/README.md``.
    """

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
        throttle: Throttle = Throttle(),
        usage_plan: UsagePlanOptions | None = None,
        domain_name: str | None = None,
        hosted_zone: route53.IHostedZone | None = None,
        certificate: acm.ICertificate | None = None,
        web_acl: WebAclOptions | None = None,
        web_acl_arn: str | None = None,
        alarms: AlarmOptions = AlarmOptions(),
        stage_name: str = "api",
        service_name: str | None = None,
        log_retention_days: int = 365,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        retention = log_retention("log_retention_days", log_retention_days)
        require(bool(functions), "functions must name at least one ApiFunction")
        require(bool(routes), "routes must hold at least one Route")
        require(
            (table is None) != (existing_table is None),
            "pass exactly one of table (create a table here) or existing_table",
        )
        for route in routes:
            require(
                route.function in functions,
                f"route {route.method} {route.path} names function {route.function!r}, which is not "
                f"one of functions ({', '.join(functions)})",
            )
        seen = [(route.method, route.path) for route in routes]
        duplicates = sorted({f"{m} {p}" for m, p in seen if seen.count((m, p)) > 1})
        require(not duplicates, f"routes repeat {', '.join(duplicates)}")
        require(
            cognito_options is None or authorization is ApiAuthorization.COGNITO,
            "cognito_options is only used with authorization=ApiAuthorization.COGNITO",
        )
        cors = tuple(cors_origins)
        check_cors_origins(cors)
        require(bool(_STAGE_NAME.match(stage_name)), f"stage_name ({stage_name!r}) must be 1-128 letters, digits or _")
        require(
            web_acl is None or web_acl_arn is None,
            "pass either web_acl (create a web ACL here) or web_acl_arn (use an existing one), not both",
        )
        region = None if Token.is_unresolved(stack.region) else stack.region
        check_domain(
            domain_name,
            hosted_zone,
            certificate,
            endpoint="A regional API Gateway domain",
            certificate_region=region,
        )
        if web_acl_arn is not None:
            check_web_acl_arn(web_acl_arn, "REGIONAL")
        service = service_name or construct_id.lower()

        self.table: dynamodb.ITableV2 = (
            existing_table
            or DynamoTable(
                self,
                "Data",
                options=table,
                removal_policy=removal_policy,  # type: ignore[arg-type]
            ).table
        )

        powertools = lambda_.LayerVersion.from_layer_version_arn(
            self, "Powertools", POWERTOOLS_LAYER.format(partition=stack.partition, region=stack.region)
        )
        self.functions: dict[str, lambda_.Function] = {
            name: self._function(name, spec, powertools, service, cors, retention, removal_policy)
            for name, spec in functions.items()
        }
        self.function = next(iter(self.functions.values()))

        access_logs = logs.LogGroup(self, "AccessLogs", retention=retention, removal_policy=removal_policy)
        used_methods = sorted({route.method for route in routes} | {"OPTIONS"})
        self.api = apigw.RestApi(
            self,
            "Api",
            rest_api_name=f"{stack.stack_name}-{service}",
            description=f"{service} REST API",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # Execution logs need the account's API Gateway CloudWatch role.
            cloud_watch_role=True,
            cloud_watch_role_removal_policy=removal_policy,
            deploy_options=apigw.StageOptions(
                stage_name=stage_name,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=apigw.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
                logging_level=apigw.MethodLoggingLevel.INFO,
                data_trace_enabled=False,
                metrics_enabled=True,
                tracing_enabled=True,
                throttling_rate_limit=throttle.rate_limit,
                throttling_burst_limit=throttle.burst_limit,
            ),
            default_cors_preflight_options=(
                apigw.CorsOptions(
                    allow_origins=list(cors),
                    allow_methods=used_methods,
                    allow_headers=["Authorization", "Content-Type", "X-Amz-Date", "X-Amz-Security-Token", "X-Api-Key"],
                    max_age=Duration.hours(1),
                )
                if cors
                else None
            ),
            # With a custom domain, the execute-api address would be a second way in.
            disable_execute_api_endpoint=domain_name is not None,
        )
        acknowledge(
            self.api,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
            "API Gateway's account-level logging role; this AWS managed policy is the one AWS "
            "documents for it and only allows writing CloudWatch Logs.",
        )

        self.user_pool: cognito.IUserPool | None = None
        authorizer: apigw.IAuthorizer | None = None
        if authorization is ApiAuthorization.COGNITO:
            options = cognito_options or CognitoOptions()
            self.user_pool = options.existing_user_pool or self._user_pool(options, removal_policy)
            authorizer = apigw.CognitoUserPoolsAuthorizer(self, "Authorizer", cognito_user_pools=[self.user_pool])

        self._add_routes(routes, authorization, authorizer, usage_plan is not None)

        self.api_key: apigw.IApiKey | None = None
        if usage_plan is not None:
            plan = self.api.add_usage_plan(
                "UsagePlan",
                throttle=apigw.ThrottleSettings(rate_limit=usage_plan.rate_limit, burst_limit=usage_plan.burst_limit),
                quota=apigw.QuotaSettings(limit=usage_plan.quota_per_day, period=apigw.Period.DAY),
                api_stages=[apigw.UsagePlanPerApiStage(api=self.api, stage=self.api.deployment_stage)],
            )
            self.api_key = self.api.add_api_key("ApiKey")
            plan.add_api_key(self.api_key)

        self.url = self.api.url
        if domain_name is not None:
            assert hosted_zone is not None
            self.url = self._custom_domain(domain_name, hosted_zone, certificate)

        self.web_acl: wafv2.CfnWebACL | None = None
        if web_acl is not None:
            self.web_acl = new_web_acl(
                self, "WebAcl", waf_scope="REGIONAL", options=web_acl, metric_prefix="ServerlessApi"
            )
            web_acl_arn = self.web_acl.attr_arn
        if web_acl_arn is not None:
            wafv2.CfnWebACLAssociation(
                self, "WebAclAssociation", resource_arn=self.api.deployment_stage.stage_arn, web_acl_arn=web_acl_arn
            )

        self.alarm_topic = alarms.topic or self._alarm_topic(removal_policy)
        self.alarms = self._alarms(alarms)

    def _function(
        self,
        name: str,
        spec: ApiFunction,
        powertools: lambda_.ILayerVersion,
        service: str,
        cors: tuple[str, ...],
        retention: logs.RetentionDays,
        removal_policy: RemovalPolicy,
    ) -> lambda_.Function:
        scope = Construct(self, _pascal(name))
        log_group = logs.LogGroup(scope, "Logs", retention=retention, removal_policy=removal_policy)
        # An own role instead of AWSLambdaBasicExecutionRole, which may write to every
        # log group in the account: this one writes to the function's group only.
        role = iam.Role(
            scope,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{service} {name} function",
        )
        log_group.grant_write(role)
        environment = {
            "TABLE_NAME": self.table.table_name,
            "POWERTOOLS_SERVICE_NAME": service,
            "POWERTOOLS_METRICS_NAMESPACE": service,
            "LOG_LEVEL": "INFO",
            **({"CORS_ALLOW_ORIGINS": ",".join(cors)} if cors else {}),
            **spec.environment,
        }
        function = lambda_.Function(
            scope,
            "Function",
            runtime=RUNTIME,
            architecture=lambda_.Architecture.ARM_64,
            code=lambda_.Code.from_asset(
                spec.code_path, exclude=["__pycache__", "*.pyc", "README.md", "requirements*.txt", "tests"]
            ),
            handler=spec.handler,
            memory_size=spec.memory_size,
            timeout=Duration.seconds(spec.timeout_seconds),
            reserved_concurrent_executions=spec.reserved_concurrency,
            tracing=lambda_.Tracing.ACTIVE,
            layers=[powertools],
            role=role,
            log_group=log_group,
            environment=environment,
            description=f"{service}: {name}",
        )
        if spec.table_actions:
            self.table.grant(role, *spec.table_actions)
        acknowledge(
            role,
            "AwsSolutions-IAM5[Resource::*]",
            "Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, "
            "which support no resource-level permissions.",
        )
        return function

    def _add_routes(
        self,
        routes: Sequence[Route],
        authorization: ApiAuthorization,
        authorizer: apigw.IAuthorizer | None,
        api_key_required: bool,
    ) -> None:
        validator = self.api.add_request_validator(
            "Validator", validate_request_body=True, validate_request_parameters=True
        )
        integrations = {name: apigw.LambdaIntegration(fn) for name, fn in self.functions.items()}
        for route in routes:
            resource = self.api.root.resource_for_path(route.path)
            models = None
            if route.body_schema is not None:
                model = apigw.CfnModel(
                    self,
                    f"Model{route.method.title()}{_pascal(route.path)}",
                    rest_api_id=self.api.rest_api_id,
                    content_type="application/json",
                    schema=dict(route.body_schema),
                )
                models = {"application/json": apigw.Model.from_model_name(self, f"{model.node.id}Ref", model.ref)}
            resource.add_method(
                route.method,
                integrations[route.function],
                authorization_type=(apigw.AuthorizationType.COGNITO if authorizer else apigw.AuthorizationType.IAM),
                authorizer=authorizer,
                request_validator=validator,
                request_parameters={f"method.request.path.{p}": True for p in route.path_parameters} or None,
                request_models=models,
                api_key_required=api_key_required or None,
            )
        if authorization is ApiAuthorization.IAM:
            for method in self.api.methods:
                if method.http_method != "OPTIONS":
                    acknowledge(
                        method,
                        "AwsSolutions-COG4",
                        "The API authorizes callers with IAM (SigV4-signed requests); a Cognito "
                        "authorizer is the other option (authorization=ApiAuthorization.COGNITO).",
                    )

    def _user_pool(self, options: CognitoOptions, removal_policy: RemovalPolicy) -> cognito.UserPool:
        pool = cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            mfa=cognito.Mfa.REQUIRED if options.mfa_required else cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            removal_policy=removal_policy,
        )
        pool.add_client(
            "Client",
            auth_flows=cognito.AuthFlow(user_srp=True),
            generate_secret=False,
            prevent_user_existence_errors=True,
        )
        if not options.mfa_required:
            acknowledge(
                pool,
                "AwsSolutions-COG2",
                "MFA is optional (TOTP, no SMS): each user may turn it on; pass "
                "CognitoOptions(mfa_required=True) to require it for everyone.",
            )
        return pool

    def _custom_domain(
        self,
        domain_name: str,
        hosted_zone: route53.IHostedZone,
        certificate: acm.ICertificate | None,
    ) -> str:
        cert = certificate or acm.Certificate(
            self,
            "Certificate",
            domain_name=domain_name,
            validation=acm.CertificateValidation.from_dns(hosted_zone),
        )
        domain = self.api.add_domain_name(
            "Domain",
            domain_name=domain_name,
            certificate=cert,
            endpoint_type=apigw.EndpointType.REGIONAL,
            security_policy=apigw.SecurityPolicy.TLS_1_2,
        )
        route53.ARecord(
            self,
            "AliasA",
            zone=hosted_zone,
            record_name=domain_name,
            target=route53.RecordTarget.from_alias(targets.ApiGatewayDomain(domain)),
        )
        return f"https://{domain_name}/"

    def _alarm_topic(self, removal_policy: RemovalPolicy) -> sns.Topic:
        # CloudWatch cannot publish to a topic under the AWS managed SNS key, so the
        # topic gets its own key, which lets CloudWatch use it.
        key = kms.Key(
            self,
            "AlarmKey",
            enable_key_rotation=True,
            description="Encrypts the alarm topic",
            removal_policy=removal_policy,
            pending_window=Duration.days(7),
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                resources=["*"],
            )
        )
        return sns.Topic(self, "AlarmTopic", master_key=key, enforce_ssl=True)

    def _alarms(self, options: AlarmOptions) -> list[cloudwatch.Alarm]:
        period = Duration.minutes(5)
        action = cw_actions.SnsAction(self.alarm_topic)
        found: list[cloudwatch.Alarm] = []

        def alarm(construct_id: str, metric: cloudwatch.IMetric, threshold: float, description: str) -> None:
            created = cloudwatch.Alarm(
                self,
                construct_id,
                metric=metric,
                threshold=threshold,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=description,
            )
            created.add_alarm_action(action)
            created.add_ok_action(action)
            found.append(created)

        alarm(
            "ServerErrorRateAlarm",
            self.api.metric_server_error(statistic="Average", period=period),
            options.server_error_rate,
            f"More than {options.server_error_rate:.1%} of API requests answered 5xx in 5 minutes",
        )
        alarm(
            "LatencyP99Alarm",
            self.api.metric_latency(statistic="p99", period=period),
            options.latency_p99_ms,
            f"API p99 latency above {options.latency_p99_ms} ms over 5 minutes",
        )
        for name, function in self.functions.items():
            alarm(
                f"{_pascal(name)}ErrorsAlarm",
                function.metric_errors(statistic="Sum", period=period),
                0,
                f"The {name} function raised errors",
            )
            alarm(
                f"{_pascal(name)}ThrottlesAlarm",
                function.metric_throttles(statistic="Sum", period=period),
                0,
                f"The {name} function was throttled",
            )
        alarm(
            "TableThrottlesAlarm",
            self.table.metric_throttled_requests_for_operations(
                operations=[
                    dynamodb.Operation.GET_ITEM,
                    dynamodb.Operation.PUT_ITEM,
                    dynamodb.Operation.UPDATE_ITEM,
                    dynamodb.Operation.DELETE_ITEM,
                    dynamodb.Operation.QUERY,
                    dynamodb.Operation.SCAN,
                ],
                period=period,
            ),
            0,
            "DynamoDB throttled requests to the table",
        )
        return found


def _pascal(text: str) -> str:
    """``/items/{id}`` -> ``ItemsId``; ``items`` -> ``Items``: names for construct IDs."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    return "".join(word[:1].upper() + word[1:] for word in words) or "Root"
