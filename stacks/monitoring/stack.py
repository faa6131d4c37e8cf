"""The monitoring stack: the application's ``ApplicationDashboard``, a section per tier."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_refarch.monitoring import ApplicationDashboard, Section
from stacks.stages import StageSettings


class MonitoringStack(Stack):
    """One CloudWatch dashboard over the application's tiers: ``sections`` built from the
    other stacks' constructs (``load_balancer_section(web)``...), read across stacks as
    weak references (outputs of the tiers' stacks, no exports), so it deploys after them
    and can be replaced or removed without touching them.

    With ``alarm_topic`` (the application's topic), synth fails unless every alarm the
    sections show notifies it. The dashboard's name is CloudFormation's, so the stages
    and applications of one account never share a dashboard (dashboards are global).
    Stateless; in the environment of the tiers it reads.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageSettings,
        sections: Sequence[Section],
        alarm_topic: sns.ITopic | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        # The same dashboard in every stage: the stage only shows in the tiers it reads.
        del stage
        self.dashboard = ApplicationDashboard(self, "Dashboard", sections=sections, alarm_topic=alarm_topic)
        CfnOutput(self, "DashboardName", value=self.dashboard.dashboard_name, description="The CloudWatch dashboard")
