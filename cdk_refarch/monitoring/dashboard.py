"""ApplicationDashboard: one CloudWatch dashboard per application, a section per tier.

Monitoring is its own layer here: the patterns create their alarms (each pattern's
``monitoring.py``, through ``cdk_refarch.core.alarms``) and expose them as ``.alarms``;
this construct only reads metrics and alarms, and creates nothing but the dashboard.

Where the study notes and current AWS practice differ, this construct follows current
practice (see ``shared/PRACTICES.md``):

- The notes list metrics, dashboards and alarms side by side (003:1949-1965); each tier
  here is read by its golden signals (requests, errors, latency, saturation), latency as
  p50/p90/p99 wherever the service publishes values a percentile means something for.
- CloudWatch does not keep metrics "for a configurable period" (003:1979-1981): it keeps
  1-minute data 15 days, 5-minute data 63 days and hourly data 15 months, fixed. Graphs
  use 5 minutes, the period of the patterns' alarms, so 63 days back at full detail.
- CloudWatch Events (003:1973-1975) is EventBridge: the pipeline's rule metrics are
  ``AWS/Events`` of the default bus.
- A dashboard is global to the account, not made "cross-region" (003:1997-1999): each
  metric names its region (CloudFront's are in us-east-1), and a fixed
  ``dashboard_name`` must differ per stage or the stages overwrite each other.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import jsii
from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from constructs import Construct, IValidation

from cdk_refarch.core.tags import tag_pattern
from cdk_refarch.monitoring.checks import check_application_dashboard
from cdk_refarch.monitoring.layout import unique_alarms
from cdk_refarch.monitoring.section import Section

#: CloudFormation's largest template (1 MB, uploaded to S3 as CDK does): the body is a
#: property of the template, and CloudWatch documents no other limit on it.
MAX_BODY_BYTES = 1_048_576


class ApplicationDashboard(Construct):
    """A CloudWatch dashboard: the alarms firing on top, then one section per tier
    (``static_site_section(site)``, ``api_section(service)``, ``load_balancer_section(tier)``,
    ``database_section(db)``, ``queue_section(fan_out)``, ``pipeline_section(pipeline)``,
    or a ``Section`` of your own).

    With ``alarm_topic`` (the application's alarm topic), every alarm of every section
    must notify it when it fires: checked at synth.

    Attributes: ``dashboard``, ``dashboard_name``, ``sections``, ``alarms`` (every
    section's, each once).

    Every default and the reason for it is listed in ``cdk_refarch/monitoring/README.md``.
    """

    PATTERN = "application-dashboard"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        sections: Sequence[Section],
        dashboard_name: str | None = None,
        alarm_topic: sns.ITopic | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        rows = check_application_dashboard(dashboard_name=dashboard_name, sections=sections, alarm_topic=alarm_topic)
        tag_pattern(self)
        self.sections: tuple[Section, ...] = tuple(sections)
        self.alarms: tuple[cloudwatch.IAlarm, ...] = tuple(unique_alarms(self.sections))
        self.dashboard = cloudwatch.Dashboard(
            self,
            "Dashboard",
            dashboard_name=dashboard_name,
            # Where an incident is; the console widens it in a click.
            default_interval=Duration.hours(3),
            # Each graph keeps the 5-minute period its alarms evaluate.
            period_override=cloudwatch.PeriodOverride.INHERIT,
            widgets=rows,
        )
        self.dashboard_name = self.dashboard.dashboard_name
        self.node.add_validation(DashboardValidation(self.dashboard, self.alarms, alarm_topic))


@jsii.implements(IValidation)
class DashboardValidation:
    """At synth, once references between stacks are resolved: the body fits in a
    template, and (with ``alarm_topic``) every alarm notifies that topic."""

    def __init__(
        self, dashboard: cloudwatch.Dashboard, alarms: Sequence[cloudwatch.IAlarm], topic: sns.ITopic | None
    ) -> None:
        self._dashboard = dashboard
        self._alarms = alarms
        self._topic = topic

    def validate(self) -> list[str]:
        errors: list[str] = []
        body = self._dashboard.node.default_child
        assert isinstance(body, cloudwatch.CfnDashboard)
        size = len(json.dumps(Stack.of(body).resolve(body.dashboard_body), separators=(",", ":")))
        if size > MAX_BODY_BYTES:
            errors.append(
                f"the dashboard body is {size} bytes in the template: CloudFormation takes templates of at most "
                f"{MAX_BODY_BYTES} bytes; split the sections over several dashboards"
            )
        if self._topic is not None:
            errors.extend(
                f"alarm {alarm.node.path} does not notify alarm_topic ({self._topic.node.path}): pass the "
                "application's topic to its pattern (e.g. alarms=TierAlarmOptions(topic=topic))"
                for alarm in self._alarms
                if not notifies(alarm, self._topic)
            )
        return errors


def notifies(alarm: cloudwatch.IAlarm, topic: sns.ITopic) -> bool:
    """Whether ``alarm`` (created in this app) sends its ALARM state to ``topic``. An
    imported alarm's actions are unknown here, and pass."""
    resource = alarm.node.default_child
    if not isinstance(resource, (cloudwatch.CfnAlarm, cloudwatch.CfnCompositeAlarm)):
        return True
    stack = Stack.of(resource)
    try:
        # In the alarm's stack: a topic of another stack resolves to the import its alarm uses.
        target = stack.resolve(topic.topic_arn)
    except RuntimeError:  # a topic of another stack that this stack never references
        return False
    return target in (stack.resolve(resource.alarm_actions) or [])
