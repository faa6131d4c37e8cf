"""API Gateway + Lambda + DynamoDB: ``ServerlessApi``; Cognito builders in ``auth``."""

from cdk_refarch.serverless_api.account_logging import ApiGatewayAccountLogging
from cdk_refarch.serverless_api.auth import managed_login_domain, site_client, user_pool
from cdk_refarch.serverless_api.construct import DEFAULT_CORS_ALLOW_HEADERS, ServerlessApi
from cdk_refarch.serverless_api.options import (
    AlarmOptions,
    ApiAuthorization,
    ApiFunction,
    CognitoOptions,
    Route,
    Throttle,
    UsagePlanOptions,
)

__all__ = [
    "DEFAULT_CORS_ALLOW_HEADERS",
    "AlarmOptions",
    "ApiAuthorization",
    "ApiFunction",
    "ApiGatewayAccountLogging",
    "CognitoOptions",
    "Route",
    "ServerlessApi",
    "Throttle",
    "UsagePlanOptions",
    "managed_login_domain",
    "site_client",
    "user_pool",
]
