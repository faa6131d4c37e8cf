"""The static website stack: ``StaticSite`` serving the files in ``site/`` but the web
app's own folder (``site/app/``, which ``WebAppSiteStack`` serves)."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from cdk_refarch import StaticSite
from stacks.domains import Domain, front_door_for
from stacks.stages import StageSettings, for_stage
from stacks.static_site.settings import SETTINGS

SITE_SOURCES = str(Path(__file__).resolve().parents[2] / "site")
#: The serverless web app's front end, a folder of ``site/``: not part of the static website.
WEB_APP_FOLDER = "app"


class StaticSiteStack(Stack):
    """S3 + CloudFront static hosting for ``site/``, with the stage's settings.

    The content bucket and the distribution stay in one stack: OAC's bucket policy
    names the distribution, so splitting them would make a cyclic cross-stack
    reference, and the bucket only holds files that every deploy uploads again.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageSettings,
        domain: Domain | None = None,
        site_sources: str = SITE_SOURCES,
        site_exclude: tuple[str, ...] = (WEB_APP_FOLDER,),
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        settings = for_stage(SETTINGS, stage)
        self.site = StaticSite(
            self,
            "Site",
            site_sources=site_sources,
            site_exclude=site_exclude,
            error_page="404.html",
            front_door=front_door_for(self, domain, stage.web_acl_options()),
            price_class=settings.price_class,
            log_retention_days=stage.log_retention_days,
            removal_policy=stage.removal_policy,
        )
        site_outputs(self, self.site, what="website")


def site_outputs(stack: Stack, site: StaticSite, *, what: str) -> None:
    """The outputs of a stack that serves a site: its address, bucket and distribution."""
    CfnOutput(stack, "SiteUrl", value=site.url, description=f"The {what}'s HTTPS address")
    CfnOutput(stack, "BucketName", value=site.bucket.bucket_name, description="The content bucket")
    CfnOutput(
        stack,
        "DistributionId",
        value=site.distribution.distribution_id,
        description="The CloudFront distribution (for invalidations)",
    )
