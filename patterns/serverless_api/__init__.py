"""API Gateway + Lambda + DynamoDB: ``ServerlessApi``."""

from patterns.serverless_api.construct import ServerlessApi
from patterns.serverless_api.options import (
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
