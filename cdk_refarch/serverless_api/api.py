"""The REST API itself: stage, routes with validation, usage plan and custom domain."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk_refarch.core.nag import acknowledge
from cdk_refarch.core.names import pascal
from cdk_refarch.serverless_api.options import ApiAuthorization, Route, Throttle, UsagePlanOptions

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


def rest_api(
    scope: Construct,
    *,
    service: str,
    stage_name: str,
    throttle: Throttle,
    methods: Sequence[str],
    cors_origins: tuple[str, ...],
    cors_allow_headers: tuple[str, ...],
    custom_domain: bool,
    retention: logs.RetentionDays,
    removal_policy: RemovalPolicy,
) -> apigw.RestApi:
    """A regional REST API whose stage logs (JSON access logs, execution logs without
    data trace), traces and throttles. Execution logs need API Gateway's account role
    (``ApiGatewayAccountLogging``), which this construct does not create."""
    access_logs = logs.LogGroup(scope, "AccessLogs", retention=retention, removal_policy=removal_policy)
    return apigw.RestApi(
        scope,
        "Api",
        rest_api_name=f"{Stack.of(scope).stack_name}-{service}",
        description=f"{service} REST API",
        endpoint_types=[apigw.EndpointType.REGIONAL],
        cloud_watch_role=False,
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
                allow_origins=list(cors_origins),
                allow_methods=sorted({*methods, "OPTIONS"}),
                allow_headers=list(cors_allow_headers),
                max_age=Duration.hours(1),
            )
            if cors_origins
            else None
        ),
        # With a custom domain, the execute-api address would be a second way in.
        disable_execute_api_endpoint=custom_domain,
    )


def add_routes(
    scope: Construct,
    api: apigw.RestApi,
    routes: Sequence[Route],
    functions: Mapping[str, lambda_.Function],
    *,
    authorization: ApiAuthorization,
    authorizer: apigw.IAuthorizer | None,
    api_key_required: bool,
) -> None:
    """Each route's method, authorized (IAM or Cognito), its body checked against its
    JSON Schema model and its path parameters required."""
    validator = api.add_request_validator("Validator", validate_request_body=True, validate_request_parameters=True)
    integrations = {name: apigw.LambdaIntegration(fn) for name, fn in functions.items()}
    for route in routes:
        resource = api.root.resource_for_path(route.path)
        models = None
        if route.body_schema is not None:
            model = apigw.CfnModel(
                scope,
                f"Model{route.method.title()}{pascal(route.path)}",
                rest_api_id=api.rest_api_id,
                content_type="application/json",
                schema=dict(route.body_schema),
            )
            models = {"application/json": apigw.Model.from_model_name(scope, f"{model.node.id}Ref", model.ref)}
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
        for method in api.methods:
            if method.http_method != "OPTIONS":
                acknowledge(
                    method,
                    "AwsSolutions-COG4",
                    "The API authorizes callers with IAM (SigV4-signed requests); a Cognito "
                    "authorizer is the other option (authorization=ApiAuthorization.COGNITO).",
                )


def usage_plan(api: apigw.RestApi, options: UsagePlanOptions) -> apigw.IApiKey:
    """A usage plan with throttling and a daily quota, and one API key in it."""
    plan = api.add_usage_plan(
        "UsagePlan",
        throttle=apigw.ThrottleSettings(rate_limit=options.rate_limit, burst_limit=options.burst_limit),
        quota=apigw.QuotaSettings(limit=options.quota_per_day, period=apigw.Period.DAY),
        api_stages=[apigw.UsagePlanPerApiStage(api=api, stage=api.deployment_stage)],
    )
    key = api.add_api_key("ApiKey")
    plan.add_api_key(key)
    return key


def custom_domain(api: apigw.RestApi, domain_name: str, certificate: acm.ICertificate) -> apigw.DomainName:
    """A regional custom domain (TLS 1.2) mapped to the API's stage."""
    return api.add_domain_name(
        "Domain",
        domain_name=domain_name,
        certificate=certificate,
        endpoint_type=apigw.EndpointType.REGIONAL,
        security_policy=apigw.SecurityPolicy.TLS_1_2,
    )
