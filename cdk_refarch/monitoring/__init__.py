"""Monitoring as its own layer: ``ApplicationDashboard`` and one section function per pattern."""

from cdk_refarch.monitoring.api import api_section
from cdk_refarch.monitoring.dashboard import MAX_BODY_BYTES, ApplicationDashboard
from cdk_refarch.monitoring.database import database_section
from cdk_refarch.monitoring.load_balancer import load_balancer_section
from cdk_refarch.monitoring.messaging import pipeline_section, queue_section
from cdk_refarch.monitoring.section import (
    MAX_ALARMS_PER_WIDGET,
    MAX_METRICS,
    MAX_METRICS_PER_WIDGET,
    MAX_WIDGETS,
    Section,
)
from cdk_refarch.monitoring.static_site import static_site_section

__all__ = [
    "MAX_ALARMS_PER_WIDGET",
    "MAX_BODY_BYTES",
    "MAX_METRICS",
    "MAX_METRICS_PER_WIDGET",
    "MAX_WIDGETS",
    "ApplicationDashboard",
    "Section",
    "api_section",
    "database_section",
    "load_balancer_section",
    "pipeline_section",
    "queue_section",
    "static_site_section",
]
