"""API Gateway + Lambda + DynamoDB: ``ServerlessApi``."""

from cdk_refarch.serverless_api.construct import ServerlessApi
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
    "AlarmOptions",
    "ApiAuthorization",
    "ApiFunction",
    "CognitoOptions",
    "Route",
    "ServerlessApi",
    "Throttle",
    "UsagePlanOptions",
]
