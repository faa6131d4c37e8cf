"""The static site's section: CloudFront's requests, error rates and traffic, and with
CloudFront's additional metrics its origin latency and cache hit rate."""

from __future__ import annotations

from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudwatch as cloudwatch

from cdk_refarch.core.errors import require
from cdk_refarch.core.validation import check_bool
from cdk_refarch.core.waf import CLOUDFRONT_REGION
from cdk_refarch.monitoring.section import Section, section_title
from cdk_refarch.monitoring.widgets import HALF, PERIOD, THIRD, graph, line, percentiles
from cdk_refarch.static_site import StaticSite

_DEFAULT_NOTE = (
    "CloudFront metrics (us-east-1, `Region=Global`). Origin latency and cache hit rate need the "
    "distribution's additional metrics (a paid monitoring subscription, off by default): "
    "`static_site_section(site, additional_metrics=True)` once it is on."
)
_ADDITIONAL_NOTE = "CloudFront metrics (us-east-1, `Region=Global`), additional metrics included."


def static_site_section(site: StaticSite, *, title: str | None = None, additional_metrics: bool = False) -> Section:
    """Requests, 4xx/5xx/total error rates and bytes downloaded of the site's distribution.

    CloudFront scales itself, so what saturates is the origin: with
    ``additional_metrics=True`` (you turned on the distribution's additional metrics,
    e.g. with a ``cloudfront.CfnMonitoringSubscription``) the section adds origin
    latency p50/p90/p99 and the cache hit rate. The site's alarms: none (the pattern
    creates none).
    """
    require(isinstance(site, StaticSite), f"site ({site!r}) must be a StaticSite")
    check_bool("additional_metrics", additional_metrics)
    distribution = site.distribution

    def metric(metric_name: str) -> cloudwatch.Metric:
        return _cloudfront(distribution, metric_name)

    rows: list[list[cloudwatch.IWidget]] = [
        [
            graph("Requests", [line(metric("Requests"), "Requests", "Sum")], width=THIRD, unit="Count"),
            graph(
                "Error rates",
                [
                    line(metric("4xxErrorRate"), "4xx", "Average"),
                    line(metric("5xxErrorRate"), "5xx", "Average"),
                    line(metric("TotalErrorRate"), "All errors", "Average"),
                ],
                width=THIRD,
                unit="%",
            ),
            graph(
                "Bytes downloaded", [line(metric("BytesDownloaded"), "Downloaded", "Sum")], width=THIRD, unit="Bytes"
            ),
        ]
    ]
    if additional_metrics:
        rows.append(
            [
                graph("Origin latency", percentiles(metric("OriginLatency")), width=HALF, unit="ms"),
                graph("Cache hit rate", [line(metric("CacheHitRate"), "Hit rate", "Average")], width=HALF, unit="%"),
            ]
        )
    return Section(
        title=section_title("Static site", site, title),
        rows=rows,
        description=_ADDITIONAL_NOTE if additional_metrics else _DEFAULT_NOTE,
    )


def _cloudfront(distribution: cloudfront.IDistribution, metric_name: str) -> cloudwatch.Metric:
    """A CloudFront metric as CloudFront publishes it: in us-east-1, with the dimensions
    ``DistributionId`` and ``Region=Global``. Not CDK's ``Distribution.metric*()``, which
    leave out ``Region`` (a metric CloudFront never publishes, so an empty graph) and
    refuse the additional metrics unless CDK itself turned them on."""
    return cloudwatch.Metric(
        namespace="AWS/CloudFront",
        metric_name=metric_name,
        dimensions_map={"DistributionId": distribution.distribution_id, "Region": "Global"},
        region=CLOUDFRONT_REGION,
        period=PERIOD,
    )
