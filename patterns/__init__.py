"""Reusable CDK constructs, one per architecture pattern.

The package is called ``patterns`` rather than ``constructs`` because a top-level
package named ``constructs`` would shadow the ``constructs`` library that every CDK
app imports (``from constructs import Construct``).
"""

from patterns.access_logs import AccessLogBucket
from patterns.dynamo_table import DynamoTable, ProvisionedCapacity, TableOptions
from patterns.errors import PatternConfigError
from patterns.serverless_api import (
    AlarmOptions,
    ApiAuthorization,
    ApiFunction,
    CognitoOptions,
    Route,
    ServerlessApi,
    Throttle,
    UsagePlanOptions,
)
from patterns.static_site import DEFAULT_CONTENT_SECURITY_POLICY, StaticSite
from patterns.waf import WebAclOptions

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
