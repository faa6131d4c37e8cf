"""Dashboards over every pattern, synthesized once per test module with cdk-nag.

``Application``: every pattern with minimal props in one stack, their alarms routed to one
application topic with an e-mail subscription, and one dashboard over all of them.
``Tiers`` + ``Monitoring``: the dashboard in a stack of its own, over a fan-out and a
standalone cache of another stack (cross-stack references), its routing check included.
"""

from __future__ import annotations

from aws_cdk import App, Environment, RemovalPolicy, Stack, Validations
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_sns as sns
from cdk_nag import AwsSolutionsChecks

from cdk_refarch import (
    AlarmOptions,
    ApiFunction,
    Cache,
    CacheAlarmOptions,
    CacheOptions,
    ContainerService,
    Database,
    DatabaseAlarmOptions,
    FanOut,
    FanOutAlarmOptions,
    LoadBalancerOptions,
    QueueConsumer,
    QueueOptions,
    ServerlessApi,
    StaticSite,
    TableOptions,
    UploadAlarmOptions,
    UploadPipeline,
    WebAppOptions,
    WebTier,
)
from cdk_refarch.core.alarms import alarm_topic
from cdk_refarch.core.load_balancer_alarms import TierAlarmOptions
from cdk_refarch.monitoring import (
    ApplicationDashboard,
    api_section,
    database_section,
    load_balancer_section,
    pipeline_section,
    queue_section,
    static_site_section,
)
from stacks.serverless_api.stack import ITEMS_CODE, item_routes
from tests.cdk_refarch.fan_out.variants import consumer_function
from tests.cdk_refarch.serverless_api.variants import ITEM_KEY, READ_WRITE
from tests.cdk_refarch.upload_pipeline.variants import CODE_PATH
from tests.cdk_refarch.web_tier.variants import WEB_APP

# CloudFront's standard logs (on by default) are delivered from us-east-1 only.
ENV = Environment(account="111111111111", region="us-east-1")
APPLICATION, TIERS, MONITORING = "Application", "Tiers", "Monitoring"
DASHBOARD_NAME = "shop-sandbox"
ALARM_EMAIL = "ops@example.com"
ADDITIONAL_TITLE = "Static site, additional metrics"


def vpc(stack: Stack) -> ec2.IVpc:
    """An existing VPC with public, private and isolated subnets in two AZs."""
    return ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-0a1b2c3d4e5f60718",
        availability_zones=["us-east-1a", "us-east-1b"],
        public_subnet_ids=["subnet-0a00000000000000a", "subnet-0b00000000000000b"],
        public_subnet_route_table_ids=["rtb-0a00000000000000a", "rtb-0a00000000000000a"],
        private_subnet_ids=["subnet-0c00000000000000c", "subnet-0d00000000000000d"],
        private_subnet_route_table_ids=["rtb-0c00000000000000c", "rtb-0d00000000000000d"],
        isolated_subnet_ids=["subnet-0e00000000000000e", "subnet-0f00000000000000f"],
        isolated_subnet_route_table_ids=["rtb-0e00000000000000e", "rtb-0f00000000000000f"],
    )


def build_application(app: App) -> Stack:
    """Every pattern, each alarm to the application's topic, and the dashboard."""
    stack = Stack(app, APPLICATION, env=ENV)
    network = vpc(stack)
    topic = alarm_topic(stack, removal_policy=RemovalPolicy.DESTROY, email=ALARM_EMAIL)
    tier_alarms = TierAlarmOptions(topic=topic)

    site = StaticSite(stack, "Site", removal_policy=RemovalPolicy.DESTROY)
    # The caller's own monitoring subscription: what additional_metrics=True relies on.
    cloudfront.CfnMonitoringSubscription(
        stack,
        "SiteMetrics",
        distribution_id=site.distribution.distribution_id,
        monitoring_subscription=cloudfront.CfnMonitoringSubscription.MonitoringSubscriptionProperty(
            realtime_metrics_subscription_config=cloudfront.CfnMonitoringSubscription.RealtimeMetricsSubscriptionConfigProperty(
                realtime_metrics_subscription_status="Enabled"
            )
        ),
    )
    api = ServerlessApi(
        stack,
        "Items",
        functions={"items": ApiFunction(code_path=ITEMS_CODE, table_actions=READ_WRITE)},
        routes=item_routes(),
        table=TableOptions(partition_key=ITEM_KEY),
        alarms=AlarmOptions(topic=topic),
        removal_policy=RemovalPolicy.DESTROY,
    )
    plain_http = LoadBalancerOptions(plain_http=True)
    web = WebTier(
        stack, "Web", vpc=network, app=WebAppOptions(source=WEB_APP), load_balancer=plain_http, alarms=tier_alarms
    )
    containers = ContainerService(stack, "Shop", vpc=network, load_balancer=plain_http, alarms=tier_alarms)
    db = Database(
        stack,
        "Db",
        vpc=network,
        production=False,
        read_replicas=1,
        cache=CacheOptions(replicas=1),
        allowed_peers=[web.security_group, containers.service],
        alarms=DatabaseAlarmOptions(topic=topic),
    )
    consumer = consumer_function(stack, "OrdersConsumer", timeout_seconds=5)
    orders = FanOut(
        stack,
        "Orders",
        queues={"billing": QueueOptions(), "audit": QueueOptions()},
        consumers={"billing": QueueConsumer(consumer)},
        alarms=FanOutAlarmOptions(topic=topic),
        removal_policy=RemovalPolicy.DESTROY,
    )
    uploads = UploadPipeline(
        stack,
        "Uploads",
        code_path=CODE_PATH,
        event_topic=orders.topic,
        event_topic_key=orders.key,
        alarms=UploadAlarmOptions(topic=topic),
        removal_policy=RemovalPolicy.DESTROY,
    )
    ApplicationDashboard(
        stack,
        "Dashboard",
        dashboard_name=DASHBOARD_NAME,
        alarm_topic=topic,
        sections=[
            static_site_section(site),
            static_site_section(site, title=ADDITIONAL_TITLE, additional_metrics=True),
            api_section(api),
            load_balancer_section(web),
            load_balancer_section(containers),
            database_section(db),
            queue_section(orders, consumers={"billing": consumer}),
            pipeline_section(uploads),
        ],
    )
    return stack


def build_split(app: App) -> list[Stack]:
    """The dashboard in its own stack, over another stack's fan-out and cache."""
    tiers = Stack(app, TIERS, env=ENV)
    topic = alarm_topic(tiers, removal_policy=RemovalPolicy.DESTROY, email=ALARM_EMAIL)
    events = FanOut(
        tiers,
        "Events",
        queues={"work": QueueOptions()},
        alarms=FanOutAlarmOptions(topic=topic),
        removal_policy=RemovalPolicy.DESTROY,
    )
    cache = Cache(
        tiers,
        "Cache",
        vpc=vpc(tiers),
        production=False,
        allowed_peers=[ec2.SecurityGroup.from_security_group_id(tiers, "AppGroup", "sg-0123456789abcdef0")],
        alarms=CacheAlarmOptions(topic=topic),
    )
    monitoring = Stack(app, MONITORING, env=ENV)
    ApplicationDashboard(
        monitoring, "Dashboard", alarm_topic=topic, sections=[queue_section(events), database_section(cache)]
    )
    return [tiers, monitoring]


def build(app: App) -> list[Stack]:
    stacks = [build_application(app), *build_split(app)]
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return stacks


def app_topic(stack: Stack) -> sns.ITopic:
    found = stack.node.find_child("AlarmTopic")
    assert isinstance(found, sns.Topic)
    return found
