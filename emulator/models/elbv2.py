"""Elastic Load Balancing v2: load balancers, listeners, listener rules and target groups.

moto 5.2.5 has models for all four, and each gets CDK's templates wrong somewhere:

- load balancer: drops ``LoadBalancerAttributes`` (access logs, header and desync
  settings, deletion protection), ``Type``, ``IpAddressType`` and tags; answers
  ``LoadBalancerFullName`` and ``CanonicalHostedZoneID`` (what CDK's metrics and alias
  records read) with nothing; deletes a load balancer whose deletion protection is on.
- target group: drops ``TargetGroupAttributes``, ``Targets``, the protocol version and
  tags, and fails on any ``Fn::GetAtt`` (``TargetGroupFullName`` for CDK's metrics).
- listener: keeps only ``TargetGroupArn`` of a forward action (a ``ForwardConfig`` fails),
  drops tags; cannot be deleted (it goes only with its load balancer), so its target
  groups cannot be deleted either until then.
- listener rule: cannot be deleted; fails on ``Fn::GetAtt``.

These create each resource through moto's ELBv2 backend and delete it again. What AWS
refuses, they refuse as AWS does: a certificate that does not exist, a target group still
in use by a listener (moto retries its deletion once the listener is gone), the deletion
of a load balancer whose deletion protection is on.
"""

from __future__ import annotations

from typing import Any

from moto.acm.models import acm_backends
from moto.elbv2.exceptions import (
    ELBClientError,
    ListenerNotFoundError,
    TargetGroupNotFoundError,
)
from moto.elbv2.models import ELBv2Backend, FakeLoadBalancer, elbv2_backends

from emulator.models.base import SandboxModel, as_bool, as_list
from emulator.models.registry import overrides
from emulator.models.skipped import is_placeholder
from emulator.notes import EMULATED

#: The Route 53 hosted zone of the load balancers of each region (application, network),
#: which alias records name: https://docs.aws.amazon.com/general/latest/gr/elb.html
HOSTED_ZONES: dict[str, tuple[str, str]] = {
    "af-south-1": ("Z268VQBMOI5EKX", "Z203XCE67M25HM"),
    "ap-east-1": ("Z3DQVH9N71FHZ0", "Z12Y7K3UBGUAD1"),
    "ap-northeast-1": ("Z14GRHDCWA56QT", "Z31USIVHYNEOWT"),
    "ap-northeast-2": ("ZWKZPGTI48KDX", "ZIBE1TIR4HY56"),
    "ap-northeast-3": ("Z5LXEXXYW11ES", "Z1GWIQ4HH19I5X"),
    "ap-south-1": ("ZP97RAFLXTNZK", "ZVDDRBQ08TROA"),
    "ap-south-2": ("Z0173938T07WNTVAEPZN", "Z0711778386UTO08407HT"),
    "ap-southeast-1": ("Z1LMS91P8CMLE5", "ZKVM4W9LS7TM"),
    "ap-southeast-2": ("Z1GM3OXH4ZPM65", "ZCT6FZBF4DROD"),
    "ap-southeast-3": ("Z08888821HLRG5A9ZRTER", "Z01971771FYVNCOVWJU1G"),
    "ap-southeast-4": ("Z09517862IB2WZLPXG76F", "Z01156963G8MIIL7X90IV"),
    "ca-central-1": ("ZQSVJUPU6J1EY", "Z2EPGBW3API2WT"),
    "ca-west-1": ("Z06473681N0SF6OS049SD", "Z02754302KBB00W2LKWZ9"),
    "cn-north-1": ("Z1GDH35T77C1KE", "Z3QFB96KMJ7ED6"),
    "cn-northwest-1": ("ZM7IZAIOVVDZF", "ZQEIKTCZ8352D"),
    "eu-central-1": ("Z215JYRZR1TBD5", "Z3F0SRJ5LGBH90"),
    "eu-central-2": ("Z06391101F2ZOEP8P5EB3", "Z02239872DOALSIDCX66S"),
    "eu-north-1": ("Z23TAZ6LKFMNIO", "Z1UDT6IFJ4EJM"),
    "eu-south-1": ("Z3ULH7SSC9OV64", "Z23146JA1KNAFP"),
    "eu-south-2": ("Z0956581394HF5D5LXGAP", "Z1011216NVTVYADP1SSV"),
    "eu-west-1": ("Z32O12XQLNTSW2", "Z2IFOLAFXWLO4F"),
    "eu-west-2": ("ZHURV8PSTC4K8", "ZD4D7Y8KGAS4G"),
    "eu-west-3": ("Z3Q77PNBQS71R4", "Z1CMS0P5QUZ6D5"),
    "il-central-1": ("Z09170902867EHPV2DABU", "Z0313266YDI6ZRHTGQY4"),
    "me-central-1": ("Z08230872XQRWHG2XF6I", "Z00282643NTTLPANJJG2P"),
    "me-south-1": ("ZS929ML54UICD", "Z3QSRYVP46NYYV"),
    "sa-east-1": ("Z2P70J7HTTTPLU", "ZTK26PT1VY4CU"),
    "us-east-1": ("Z35SXDOTRQ7X7K", "Z26RNL4JYFTOTI"),
    "us-east-2": ("Z3AADJGX6KTTL2", "ZLMOA37VPKANP"),
    "us-gov-east-1": ("Z166TLBEWOO7G0", "Z1ZSMQQ6Q24QQ8"),
    "us-gov-west-1": ("Z33AYJ8TM3BH4J", "ZMG1MZ2THAWF1"),
    "us-west-1": ("Z368ELLRRE2KJ0", "Z24FKFUX50B4VW"),
    "us-west-2": ("Z1H1FL5HABSF5", "Z18D5FSROUN65G"),
}


def elbv2_backend(account_id: str, region_name: str) -> ELBv2Backend:
    return elbv2_backends[account_id][region_name]


def hosted_zone_of(region_name: str, load_balancer_type: str) -> str | None:
    zones = HOSTED_ZONES.get(region_name)
    if zones is None:
        return None
    return zones[1] if load_balancer_type == "network" else zones[0]


def refresh_load_balancer_arns(backend: ELBv2Backend) -> None:
    """Set each target group's load balancers to those whose listeners or rules forward to
    it, as ELB reports them. moto only ever appends to the list (with duplicates), and
    never takes a deleted listener's load balancer off it."""
    users: dict[str, list[str]] = {arn: [] for arn in backend.target_groups}
    for balancer in backend.load_balancers.values():
        for listener in balancer.listeners.values():
            for rule in listener.rules.values():
                for action in rule.actions:
                    for arn in backend._get_target_group_arns_from(action_data=action.data):
                        if arn in users and balancer.arn not in users[arn]:
                            users[arn].append(balancer.arn)
    for arn, target_group in backend.target_groups.items():
        target_group.load_balancer_arns = users[arn]


def release_certificates(account_id: str, region_name: str, listeners: list[Any]) -> None:
    """Take deleted listeners off their certificates' users (ACM's InUseBy), where moto
    leaves them for good."""
    certificates = acm_backends[account_id][region_name]._certificates
    for listener in listeners:
        for arn in listener.certificates:
            users = certificates[arn].in_use_by if arn in certificates else []
            if listener.arn in users:
                users.remove(listener.arn)


def _attributes(entries: Any) -> dict[str, str]:
    """``[{Key, Value}]`` as the API takes them: every value a string, booleans in lower case."""
    return {
        entry["Key"]: str(entry["Value"]).lower() if isinstance(entry["Value"], bool) else str(entry["Value"])
        for entry in as_list(entries)
    }


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _actions(actions: Any) -> list[dict[str, Any]]:
    """Listener and rule actions have the same shape in CloudFormation and the API."""
    return sorted((dict(action) for action in as_list(actions)), key=lambda action: int(action.get("Order", 0)))


@overrides("AWS::ElasticLoadBalancingV2::LoadBalancer")
class LoadBalancer(SandboxModel):
    TYPE = "AWS::ElasticLoadBalancingV2::LoadBalancer"
    NAME_PROPERTY = "Name"
    ATTRIBUTES = (
        "CanonicalHostedZoneID",
        "DNSName",
        "LoadBalancerArn",
        "LoadBalancerFullName",
        "LoadBalancerName",
        "SecurityGroups",
    )

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> LoadBalancer:
        p = properties
        backend = elbv2_backend(account_id, region_name)
        load_balancer_type = p.get("Type", "application")
        balancer = backend.create_load_balancer(
            name,
            security_groups=as_list(p.get("SecurityGroups")),
            subnet_ids=as_list(p.get("Subnets")),
            subnet_mappings=as_list(p.get("SubnetMappings")) or None,
            scheme=p.get("Scheme", "internet-facing"),
            loadbalancer_type=load_balancer_type,
            ip_address_type=p.get("IpAddressType", "ipv4"),
            tags=as_list(p.get("Tags")) or None,
        )
        balancer.canonical_hosted_zone_id = hosted_zone_of(region_name, load_balancer_type) or (
            balancer.canonical_hosted_zone_id
        )
        if balancer.scheme == "internal":
            balancer.dns_name = f"internal-{balancer.dns_name}"
        try:
            attributes = _attributes(p.get("LoadBalancerAttributes"))
            if attributes:
                backend.modify_load_balancer_attributes(balancer.arn, attributes)
        except Exception:
            backend.delete_load_balancer(balancer.arn)
            raise
        return cls(balancer.arn, account_id, region_name, properties, cls._read(balancer))

    @staticmethod
    def _read(balancer: FakeLoadBalancer) -> dict[str, Any]:
        return {
            "CanonicalHostedZoneID": balancer.canonical_hosted_zone_id,
            "DNSName": balancer.dns_name,
            "LoadBalancerArn": balancer.arn,
            # What CloudWatch's LoadBalancer dimension names: app/<name>/<id>.
            "LoadBalancerFullName": balancer.arn.split(":loadbalancer/", 1)[1],
            "LoadBalancerName": balancer.name,
            "SecurityGroups": list(balancer.security_groups or []),
        }

    def remove(self) -> None:
        backend = elbv2_backend(self.account_id, self.region_name)
        balancer = backend.load_balancers.get(self.physical_resource_id)
        if balancer is None:
            return
        if as_bool(balancer.attrs.get("deletion_protection.enabled")):
            raise ELBClientError(
                "OperationNotPermitted",
                f"Load balancer '{balancer.arn}' cannot be deleted because deletion protection is enabled",
            )
        # Its listeners and their rules go with it, as in AWS.
        backend.delete_load_balancer(balancer.arn)
        refresh_load_balancer_arns(backend)
        release_certificates(self.account_id, self.region_name, list(balancer.listeners.values()))


@overrides("AWS::ElasticLoadBalancingV2::TargetGroup")
class TargetGroup(SandboxModel):
    TYPE = "AWS::ElasticLoadBalancingV2::TargetGroup"
    NAME_PROPERTY = "Name"
    ATTRIBUTES = ("LoadBalancerArns", "TargetGroupArn", "TargetGroupFullName", "TargetGroupName")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> TargetGroup:
        p = properties
        backend = elbv2_backend(account_id, region_name)
        enabled = p.get("HealthCheckEnabled")
        target_group = backend.create_target_group(
            name,
            vpc_id=p.get("VpcId"),
            protocol=p.get("Protocol"),
            port=_int(p.get("Port")),
            protocol_version=p.get("ProtocolVersion"),
            healthcheck_protocol=p.get("HealthCheckProtocol"),
            healthcheck_port=None if p.get("HealthCheckPort") is None else str(p["HealthCheckPort"]),
            healthcheck_path=p.get("HealthCheckPath"),
            healthcheck_interval_seconds=_int(p.get("HealthCheckIntervalSeconds")),
            healthcheck_timeout_seconds=_int(p.get("HealthCheckTimeoutSeconds")),
            healthcheck_enabled=None if enabled is None else str(as_bool(enabled)).lower(),
            healthy_threshold_count=_int(p.get("HealthyThresholdCount")),
            unhealthy_threshold_count=_int(p.get("UnhealthyThresholdCount")),
            matcher=p.get("Matcher"),
            target_type=p.get("TargetType"),
            ip_address_type=p.get("IpAddressType"),
            tags=as_list(p.get("Tags")) or None,
        )
        try:
            attributes = _attributes(p.get("TargetGroupAttributes"))
            if attributes:
                backend.modify_target_group_attributes(target_group.arn, attributes)
            targets = [
                {"Id": target["Id"], **({"Port": int(target["Port"])} if "Port" in target else {})}
                for target in as_list(p.get("Targets"))
            ]
            if targets:
                backend.register_targets(target_group.arn, targets)
        except Exception:
            backend.delete_target_group(target_group.arn)
            raise
        return cls(target_group.arn, account_id, region_name, properties)

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        target_group = elbv2_backend(self.account_id, self.region_name).target_groups.get(self.physical_resource_id)
        if target_group is None or attribute_name not in self.ATTRIBUTES:
            return super().get_cfn_attribute(attribute_name)
        return {
            # Read when asked: listeners created after the group add their load balancers.
            "LoadBalancerArns": list(target_group.load_balancer_arns),
            "TargetGroupArn": target_group.arn,
            # What CloudWatch's TargetGroup dimension names: targetgroup/<name>/<id>.
            "TargetGroupFullName": target_group.arn.split(":", 5)[5],
            "TargetGroupName": target_group.name,
        }[attribute_name]

    def remove(self) -> None:
        try:
            # ResourceInUse while a listener or rule forwards to it: moto retries the
            # deletion once the stack's other resources are gone, as CloudFormation orders it.
            elbv2_backend(self.account_id, self.region_name).delete_target_group(self.physical_resource_id)
        except TargetGroupNotFoundError:
            pass


@overrides("AWS::ElasticLoadBalancingV2::Listener")
class Listener(SandboxModel):
    TYPE = "AWS::ElasticLoadBalancingV2::Listener"
    ATTRIBUTES = ("ListenerArn",)

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> Listener:
        p = properties
        backend = elbv2_backend(account_id, region_name)
        certificates = [c["CertificateArn"] for c in as_list(p.get("Certificates"))]
        placeholders = [arn for arn in certificates if is_placeholder(arn)]
        listener = backend.create_listener(
            p["LoadBalancerArn"],
            p.get("Protocol"),
            _int(p.get("Port")),
            p.get("SslPolicy"),
            # A certificate that ACM does not hold fails the listener (CertificateNotFound),
            # as in AWS; a skipped one is kept as its placeholder ID, and said so.
            certificates[0] if certificates and not placeholders else None,
            _actions(p.get("DefaultActions")),
            alpn_policy=as_list(p.get("AlpnPolicy")) or None,
            tags=as_list(p.get("Tags")) or None,
        )
        if placeholders:
            listener.certificate = certificates[0]
            listener.certificates = certificates[:1]
        refresh_load_balancer_arns(backend)
        note = None
        if placeholders:
            note = (
                f"{EMULATED}its certificate {placeholders[0]} is the placeholder of a resource the emulator "
                "skipped: the listener keeps that ID, and no certificate is registered with ACM for it"
            )
        return cls(listener.arn, account_id, region_name, properties, {"ListenerArn": listener.arn}, note)

    def remove(self) -> None:
        backend = elbv2_backend(self.account_id, self.region_name)
        try:
            listener = backend.delete_listener(self.physical_resource_id)
        except ListenerNotFoundError:
            return  # it went with its load balancer
        refresh_load_balancer_arns(backend)
        release_certificates(self.account_id, self.region_name, [listener])


@overrides("AWS::ElasticLoadBalancingV2::ListenerRule")
class ListenerRule(SandboxModel):
    TYPE = "AWS::ElasticLoadBalancingV2::ListenerRule"
    ATTRIBUTES = ("IsDefault", "RuleArn")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> ListenerRule:
        p = properties
        backend = elbv2_backend(account_id, region_name)
        rule = backend.create_rule(
            p["ListenerArn"],
            as_list(p.get("Conditions")),
            int(p["Priority"]),
            _actions(p.get("Actions")),
            tags=as_list(p.get("Tags")) or None,
        )
        refresh_load_balancer_arns(backend)
        return cls(rule.arn, account_id, region_name, properties, {"IsDefault": False, "RuleArn": rule.arn})

    def remove(self) -> None:
        backend = elbv2_backend(self.account_id, self.region_name)
        # moto's delete_rule tolerates a rule that is gone, as boto3's DeleteRule does.
        backend.delete_rule(self.physical_resource_id)
        refresh_load_balancer_arns(backend)
