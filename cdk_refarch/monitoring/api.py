"""The REST API's section: API Gateway, its Lambda functions and its DynamoDB table."""

from __future__ import annotations

from aws_cdk import aws_cloudwatch as cloudwatch

from cdk_refarch.core.errors import require
from cdk_refarch.monitoring.section import Section, section_title
from cdk_refarch.monitoring.widgets import HALF, PERIOD, function_widgets, graph, line, percentiles
from cdk_refarch.serverless_api import ServerlessApi

_NOTE = (
    "API Gateway stage metrics, then each function (one line per function), then the table. "
    "Latency is the whole request; integration latency the time in the function."
)


def api_section(service: ServerlessApi, *, title: str | None = None) -> Section:
    """Requests, 4xx/5xx, latency and integration latency p50/p90/p99 of the API; each
    function's invocations, errors and throttles, duration p50/p90/p99 and concurrent
    executions; the table's consumed capacity and throttled requests; the service's
    alarms."""
    require(isinstance(service, ServerlessApi), f"service ({service!r}) must be a ServerlessApi")
    api, table = service.api, service.table
    gateway: list[cloudwatch.IWidget] = [
        graph("API requests", [line(api.metric_count(), "Requests", "Sum")], unit="Count"),
        graph(
            "API errors",
            [line(api.metric_client_error(), "4xx", "Sum"), line(api.metric_server_error(), "5xx", "Sum")],
            unit="Count",
        ),
        graph("API latency", percentiles(api.metric_latency()), unit="ms"),
        graph("API integration latency", percentiles(api.metric_integration_latency()), unit="ms"),
    ]
    data: list[cloudwatch.IWidget] = [
        graph(
            "Table consumed capacity",
            [
                line(table.metric_consumed_read_capacity_units(), "Read units", "Sum"),
                line(table.metric_consumed_write_capacity_units(), "Write units", "Sum"),
            ],
            width=HALF,
            unit="Count",
        ),
        graph(
            "Table throttled requests",
            # Every operation, summed by the expression CDK builds.
            [table.metric_throttled_requests_for_operations(label="Throttled requests", period=PERIOD)],
            width=HALF,
            unit="Count",
        ),
    ]
    return Section(
        title=section_title("API", service, title),
        rows=[gateway, function_widgets(service.functions), data],
        alarms=service.alarms,
        description=_NOTE,
    )
