"""AWS reference architectures as CDK constructs, with secure defaults.

Import name ``cdk_refarch`` (distribution ``cdk-refarch``): the patterns are
``StaticSite``, ``ServerlessApi`` (with ``DynamoTable``), ``Network``, ``WebTier``,
``ContainerService``, ``Database`` (with ``Cache``), ``FanOut``, ``UploadPipeline`` and
``AccountBaseline``;
``cdk_refarch.core`` holds the building blocks they share (front door and load
balancer, secure buckets, functions, alarms, WAF, validation).
"""

from cdk_refarch.account_baseline import AccountBaseline, BudgetAlarmOptions, TrailOptions
from cdk_refarch.container_service import ContainerService
from cdk_refarch.core.buckets import AccessLogBucket, secure_bucket
from cdk_refarch.core.errors import PatternConfigError
from cdk_refarch.core.front_door import FrontDoorOptions
from cdk_refarch.core.load_balancer import LoadBalancedFrontDoor, LoadBalancerOptions
from cdk_refarch.core.waf import WebAclOptions
from cdk_refarch.database import Cache, CacheAlarmOptions, CacheOptions, Database, DatabaseAlarmOptions
from cdk_refarch.dynamo_table import DynamoTable, ProvisionedCapacity, TableOptions
from cdk_refarch.fan_out import FanOut, FanOutAlarmOptions, FilterPolicy, QueueConsumer, QueueOptions
from cdk_refarch.monitoring import (
    ApplicationDashboard,
    api_section,
    database_section,
    load_balancer_section,
    pipeline_section,
    queue_section,
    static_site_section,
)
from cdk_refarch.network import InterfaceEndpoints, NatStrategy, Network, VpcOptions
from cdk_refarch.serverless_api import (
    DEFAULT_CORS_ALLOW_HEADERS,
    AlarmOptions,
    ApiAuthorization,
    ApiFunction,
    ApiGatewayAccountLogging,
    CognitoOptions,
    Route,
    ServerlessApi,
    Throttle,
    UsagePlanOptions,
)
from cdk_refarch.static_site import DEFAULT_CONTENT_SECURITY_POLICY, ApiRoute, StaticSite
from cdk_refarch.upload_pipeline import HandlerVariables, UploadAlarmOptions, UploadPipeline
from cdk_refarch.web_tier import WebAppOptions, WebTier

__all__ = [
    "DEFAULT_CONTENT_SECURITY_POLICY",
    "DEFAULT_CORS_ALLOW_HEADERS",
    "AccessLogBucket",
    "AccountBaseline",
    "AlarmOptions",
    "BudgetAlarmOptions",
    "ApiAuthorization",
    "ApiFunction",
    "ApiGatewayAccountLogging",
    "ApiRoute",
    "ApplicationDashboard",
    "Cache",
    "CacheAlarmOptions",
    "CacheOptions",
    "CognitoOptions",
    "ContainerService",
    "Database",
    "DatabaseAlarmOptions",
    "DynamoTable",
    "FanOut",
    "FanOutAlarmOptions",
    "FilterPolicy",
    "FrontDoorOptions",
    "HandlerVariables",
    "InterfaceEndpoints",
    "LoadBalancedFrontDoor",
    "LoadBalancerOptions",
    "NatStrategy",
    "Network",
    "PatternConfigError",
    "ProvisionedCapacity",
    "QueueConsumer",
    "QueueOptions",
    "Route",
    "ServerlessApi",
    "StaticSite",
    "TableOptions",
    "Throttle",
    "TrailOptions",
    "UploadAlarmOptions",
    "UploadPipeline",
    "UsagePlanOptions",
    "VpcOptions",
    "WebAclOptions",
    "WebAppOptions",
    "WebTier",
    "api_section",
    "database_section",
    "load_balancer_section",
    "pipeline_section",
    "queue_section",
    "secure_bucket",
    "static_site_section",
]
