"""``static-website``: the files of ``site/`` on S3 behind CloudFront, and its dashboard.

``StaticSite`` creates no alarm, so the application has no alarm topic: the dashboard
shows CloudFront's requests, error rates and bytes, with no alarm widget."""

from __future__ import annotations

from aws_cdk import Stack

from cdk_refarch.monitoring import static_site_section
from stacks.applications import roles
from stacks.applications.base import Application, Composition
from stacks.static_site.stack import StaticSiteStack


def _build(application: Application, composition: Composition) -> list[Stack]:
    site = composition.stack(
        application,
        "Site",
        StaticSiteStack,
        description=f"S3 + CloudFront static website ({composition.stage.name})",
        domain=composition.domain("site_domain"),
        env=composition.cloudfront_env,
    )
    # CloudFront's metrics are in us-east-1, and the site's IDs are read from its stack.
    monitoring = roles.monitoring_stack(
        application,
        composition,
        "Static website",
        sections=[static_site_section(site.site)],
        alarm_topic=None,
        env=composition.cloudfront_env,
    )
    return [site, monitoring]


APPLICATION = Application(
    name="static-website",
    title="StaticWebsite",
    summary="StaticSite: a private S3 bucket behind CloudFront (OAC, HTTPS, security headers)",
    build=_build,
)
