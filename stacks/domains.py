"""Custom domains from context, for the stacks whose front door may have one."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import App
from aws_cdk import aws_route53 as route53
from constructs import Construct

from cdk_refarch import FrontDoorOptions, LoadBalancerOptions, WebAclOptions
from cdk_refarch.core.errors import PatternConfigError

ZONE_KEYS = ("hosted_zone_id", "hosted_zone_name")


@dataclass(frozen=True)
class Domain:
    """A custom domain in an existing Route 53 public hosted zone."""

    domain_name: str
    hosted_zone_id: str
    hosted_zone_name: str

    def front_door(self, scope: Construct, web_acl: WebAclOptions | None) -> FrontDoorOptions:
        zone = route53.HostedZone.from_hosted_zone_attributes(
            scope, "Zone", hosted_zone_id=self.hosted_zone_id, zone_name=self.hosted_zone_name
        )
        return FrontDoorOptions(domain_name=self.domain_name, hosted_zone=zone, web_acl=web_acl)


def front_door_for(scope: Construct, domain: Domain | None, web_acl: WebAclOptions | None) -> FrontDoorOptions:
    """The front door with the domain when there is one; the stage's web ACL either way."""
    return domain.front_door(scope, web_acl) if domain else FrontDoorOptions(web_acl=web_acl)


def load_balancer_front_door(
    scope: Construct, domain: Domain | None, web_acl: WebAclOptions | None, *, deletion_protection: bool
) -> tuple[FrontDoorOptions, LoadBalancerOptions]:
    """A load-balanced tier's front door: HTTPS with the domain, else plain HTTP (which
    synth warns about and production deploys refuse)."""
    return front_door_for(scope, domain, web_acl), LoadBalancerOptions(
        plain_http=domain is None, deletion_protection=deletion_protection
    )


def domain_from_context(app: App, key: str) -> Domain | None:
    """The domain named by context ``key`` (e.g. ``web_domain``), in the hosted zone of
    ``hosted_zone_id`` / ``hosted_zone_name``; ``None`` without ``key``."""
    name = app.node.try_get_context(key)
    if not name:
        return None
    missing = [zone_key for zone_key in ZONE_KEYS if not app.node.try_get_context(zone_key)]
    if missing:
        raise PatternConfigError(f"{key} needs {', '.join(missing)} too: the hosted zone that holds it")
    return Domain(name, app.node.try_get_context("hosted_zone_id"), app.node.try_get_context("hosted_zone_name"))
