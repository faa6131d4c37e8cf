"""Reusable CDK constructs, one per architecture pattern.

The package is called ``patterns`` rather than ``constructs`` because a top-level
package named ``constructs`` would shadow the ``constructs`` library that every CDK
app imports (``from constructs import Construct``).
"""

from cdk_refarch.core.access_logs import AccessLogBucket
from cdk_refarch.core.errors import PatternConfigError
from cdk_refarch.core.waf import WebAclOptions
from cdk_refarch.dynamo_table import DynamoTable, ProvisionedCapacity, TableOptions
from cdk_refarch.serverless_api import (
    AlarmOptions,
    ApiAuthorization,
    ApiFunction,
    CognitoOptions,
    Route,
    ServerlessApi,
    Throttle,
    UsagePlanOptions,
)
from cdk_refarch.static_site import DEFAULT_CONTENT_SECURITY_POLICY, StaticSite

__all__ = [
    "DEFAULT_CONTENT_SECURITY_POLICY",
    "AccessLogBucket",
    "AlarmOptions",
    "ApiAuthorization",
    "ApiFunction",
    "CognitoOptions",
    "DynamoTable",
    "PatternConfigError",
    "ProvisionedCapacity",
    "Route",
    "ServerlessApi",
    "StaticSite",
    "TableOptions",
    "Throttle",
    "UsagePlanOptions",
    "WebAclOptions",
]
