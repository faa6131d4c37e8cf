"""The load-balanced front door: one internet-facing ALB that WebTier and ContainerService share.

Like ``aws_ecs_patterns``' base class, this builds the listener, certificate, redirect
and DNS once; a pattern adds only its targets (``add_targets``) and lets the ALB reach
them (``allow_to``). Unlike it, the load balancer's security group opens only the
listener ports, to the sources given, and reaches only the targets' port.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Annotations, Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from cdk_refarch.core.buckets import AccessLogBucket
from cdk_refarch.core.errors import require
from cdk_refarch.core.front_door import (
    FrontDoorOptions,
    alias_records,
    check_front_door,
    front_door_certificate,
    front_door_web_acl,
)
from cdk_refarch.core.nag import acknowledge
from cdk_refarch.core.validation import check_bool, check_int
from cdk_refarch.core.waf import WebAcl

#: The tag of the notice a plain-HTTP load balancer carries (``cdk synth`` shows it).
PLAIN_HTTP_WARNING = "refarch:plainHttpListener"

_ANYWHERE = ("0.0.0.0/0",)


@dataclass(frozen=True)
class LoadBalancerOptions:
    """How the ALB listens and who may reach it.

    :param plain_http: serve plain HTTP on port 80 instead of HTTPS. Only for a
        throwaway sandbox without a domain; synth warns. Without it, the front door
        needs a domain (FrontDoorOptions) for the certificate, and port 80 only
        redirects to 443.
    :param ingress_cidrs: IPv4 ranges that may reach the listener ports; the world by
        default (a public website).
    :param ingress_prefix_list_id: a managed prefix list instead, e.g. CloudFront's
        origin-facing list (``com.amazonaws.global.cloudfront.origin-facing``; its ID
        differs per region), so that only CloudFront reaches the ALB.
    :param deletion_protection: refuse deletion of the ALB while on (production).
    :param idle_timeout_seconds: 1..4000, ALB's range.
    """

    plain_http: bool = False
    ingress_cidrs: tuple[str, ...] = _ANYWHERE
    ingress_prefix_list_id: str | None = None
    deletion_protection: bool = False
    idle_timeout_seconds: int = 60

    def __post_init__(self) -> None:
        check_bool("plain_http", self.plain_http)
        check_bool("deletion_protection", self.deletion_protection)
        check_int("idle_timeout_seconds", self.idle_timeout_seconds, minimum=1, maximum=4000)
        for cidr in self.ingress_cidrs:
            try:
                network = ipaddress.IPv4Network(cidr, strict=True)
            except (ValueError, TypeError):
                network = None
            require(
                network is not None,
                f"ingress_cidrs entry ({cidr!r}) must be an IPv4 CIDR block such as '203.0.113.0/24'",
            )
        require(
            self.ingress_prefix_list_id is None or self.ingress_cidrs == _ANYWHERE,
            "pass either ingress_cidrs or ingress_prefix_list_id, not both",
        )
        if self.ingress_prefix_list_id is not None:
            require(
                isinstance(self.ingress_prefix_list_id, str) and self.ingress_prefix_list_id.startswith("pl-"),
                f"ingress_prefix_list_id ({self.ingress_prefix_list_id!r}) must be a prefix list ID such as "
                "'pl-3b927c52'",
            )

    @property
    def from_anywhere(self) -> bool:
        return self.ingress_prefix_list_id is None and self.ingress_cidrs == _ANYWHERE


_DEFAULT_OPTIONS = LoadBalancerOptions()


class LoadBalancedFrontDoor(Construct):
    """An internet-facing ALB in the VPC's public subnets, with the project's defaults.

    - HTTPS on 443 with the TLS 1.3 policy ``ELBSecurityPolicy-TLS13-1-2-2021-06`` and
      the front door's certificate; port 80 redirects to it. Plain HTTP only with
      ``LoadBalancerOptions(plain_http=True)``, with a notice at synth.
    - Invalid header fields dropped, the strictest desync mitigation, access logs to
      ``log_bucket`` (prefix ``alb/<id>``), deletion protection by option.
    - Its own security group: the listener ports from the given sources only; no
      egress until a pattern allows its targets' port (``allow_to``).
    - Alias A (and AAAA) records for the domain, and a REGIONAL web ACL as for every
      front door.

    Attributes: ``load_balancer``, ``security_group``, ``listener`` (where targets
    go), ``certificate``, ``web_acl``, ``url``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        log_bucket: s3.IBucket,
        front_door: FrontDoorOptions = FrontDoorOptions(),
        options: LoadBalancerOptions = _DEFAULT_OPTIONS,
        log_retention_days: int = 365,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        check_front_door(self, front_door, endpoint="An Application Load Balancer", waf_scope="REGIONAL")
        require(
            options.plain_http or front_door.domain_name is not None,
            "HTTPS needs a certificate: pass FrontDoorOptions(domain_name=..., hosted_zone=...) (and "
            "certificate= to use your own), or LoadBalancerOptions(plain_http=True) for a throwaway sandbox",
        )
        require(
            not (options.plain_http and front_door.domain_name is not None),
            "plain_http=True cannot be combined with a domain: with a domain the load balancer serves HTTPS",
        )
        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            allow_all_outbound=False,
            description="Load balancer: listener ports from the allowed sources, the target port only",
        )
        ports = [80] if options.plain_http else [80, 443]
        self._allow_ingress(options, ports)
        self.load_balancer = elbv2.ApplicationLoadBalancer(
            self,
            "LoadBalancer",
            vpc=vpc,
            internet_facing=True,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
            security_group=self.security_group,
            drop_invalid_header_fields=True,
            desync_mitigation_mode=elbv2.DesyncMitigationMode.STRICTEST,
            deletion_protection=options.deletion_protection,
            idle_timeout=Duration.seconds(options.idle_timeout_seconds),
            http2_enabled=True,
        )
        self.load_balancer.log_access_logs(log_bucket, prefix=f"alb/{self.node.id}")
        self.certificate = front_door_certificate(self, front_door)
        self.listener = self._listeners(options)
        self.web_acl: WebAcl | None
        self.web_acl, web_acl_arn = front_door_web_acl(
            self,
            front_door,
            waf_scope="REGIONAL",
            metric_prefix="LoadBalancer",
            log_retention_days=log_retention_days,
            removal_policy=removal_policy,
        )
        if web_acl_arn is not None:
            wafv2.CfnWebACLAssociation(
                self, "WebAclAssociation", resource_arn=self.load_balancer.load_balancer_arn, web_acl_arn=web_acl_arn
            )
        alias_records(
            self,
            front_door,
            route53.RecordTarget.from_alias(targets.LoadBalancerTarget(self.load_balancer)),
            ipv6=False,
        )
        host = front_door.domain_name or self.load_balancer.load_balancer_dns_name
        self.url = f"{'http' if options.plain_http else 'https'}://{host}"

    def _allow_ingress(self, options: LoadBalancerOptions, ports: Sequence[int]) -> None:
        peers: list[ec2.IPeer] = (
            [ec2.Peer.prefix_list(options.ingress_prefix_list_id)]
            if options.ingress_prefix_list_id is not None
            else [ec2.Peer.ipv4(cidr) for cidr in options.ingress_cidrs]
        )
        for peer in peers:
            for port in ports:
                self.security_group.add_ingress_rule(peer, ec2.Port.tcp(port), f"listener port {port}")
        if options.from_anywhere:
            acknowledge(
                self.security_group,
                "AwsSolutions-EC23",
                "An internet-facing load balancer answers the public on its listener ports only "
                "(80 redirects to 443); pass ingress_cidrs or ingress_prefix_list_id to narrow it.",
            )

    def _listeners(self, options: LoadBalancerOptions) -> elbv2.ApplicationListener:
        if options.plain_http:
            # An info, not a warning: cdk-nag turns every warning into a finding, and
            # acknowledging that would hide it from `cdk synth`, which prints infos.
            Annotations.of(self).add_info(
                f"[{PLAIN_HTTP_WARNING}] The load balancer serves plain HTTP "
                "(LoadBalancerOptions(plain_http=True)): traffic is not encrypted. Give the front door a "
                "domain to serve HTTPS."
            )
            return self.load_balancer.add_listener("Http", port=80, protocol=elbv2.ApplicationProtocol.HTTP, open=False)
        assert self.certificate is not None
        self.load_balancer.add_redirect(source_port=80, target_port=443, open=False)
        return self.load_balancer.add_listener(
            "Https",
            port=443,
            protocol=elbv2.ApplicationProtocol.HTTPS,
            ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS,
            certificates=[elbv2.ListenerCertificate.from_certificate_manager(self.certificate)],
            open=False,
        )

    def allow_to(self, target: ec2.IConnectable, port: int) -> None:
        """Let the load balancer, and only it, reach ``target`` on ``port``."""
        check_int("port", port, minimum=1, maximum=65535)
        self.security_group.connections.allow_to(target, ec2.Port.tcp(port), f"load balancer to targets on {port}")


def load_balancer_with_logs(
    scope: Construct,
    *,
    vpc: ec2.IVpc,
    existing_log_bucket: s3.IBucket | None,
    front_door: FrontDoorOptions,
    options: LoadBalancerOptions,
    log_retention_days: int,
    removal_policy: RemovalPolicy,
) -> tuple[s3.IBucket, LoadBalancedFrontDoor]:
    """A tier's load balancer (``LoadBalancer``) and the bucket for its access logs: the
    given one, or an ``AccessLogBucket`` (``AccessLogs``) with the logs' retention."""
    log_bucket = (
        existing_log_bucket
        or AccessLogBucket(
            scope, "AccessLogs", expiration_days=log_retention_days, removal_policy=removal_policy
        ).bucket
    )
    balancer = LoadBalancedFrontDoor(
        scope,
        "LoadBalancer",
        vpc=vpc,
        log_bucket=log_bucket,
        front_door=front_door,
        options=options,
        log_retention_days=log_retention_days,
        removal_policy=removal_policy,
    )
    return log_bucket, balancer
