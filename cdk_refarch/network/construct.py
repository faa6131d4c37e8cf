"""Network: a VPC with public, private and isolated subnets, flow logs and VPC endpoints.

Where the study notes and current AWS practice differ, this construct follows current
practice (see ``shared/PRACTICES.md``):

- NACLs do not log (notes 003:2303-2305 say they do): traffic is recorded by VPC Flow
  Logs, here every accepted and rejected flow of the VPC, to CloudWatch Logs.
- The default NACL allows all traffic (003:2281 says NACLs deny by default); subnets
  keep it and security groups do the filtering. The default security group, which
  allows traffic between its members, is left without rules, so nothing relies on it.
- Private subnets reach the internet through managed NAT gateways (the notes only say
  private subnets have no direct access, 003:2175-2179), and S3 and DynamoDB through free
  gateway endpoints (001:1474-1475, 1543-1544, 2341).
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from aws_cdk import custom_resources as cr
from constructs import Construct

from cdk_refarch.core.tags import tag_pattern
from cdk_refarch.network import builders
from cdk_refarch.network.checks import check_network
from cdk_refarch.network.options import InterfaceEndpoints, NatStrategy, VpcOptions


class Network(Construct):
    """A VPC across several AZs with NAT by strategy, flow logs and VPC endpoints; or
    flow logs and endpoints added to ``existing_vpc``.

    Attributes: ``vpc``; ``nat`` (the :class:`NatStrategy`, ``None`` for an existing VPC)
    and ``nat_gateways`` (how many were created); ``workload_subnets`` (where workloads
    go: private-with-egress subnets, or the isolated ones without NAT); ``flow_log`` and
    ``flow_log_group`` (``None`` with ``flow_logs=False``); ``gateway_endpoints`` and
    ``interface_endpoints`` (by name); ``endpoint_security_group`` (only with interface
    endpoints).

    Every default and the reason for it is listed in ``cdk_refarch/network/README.md``.
    """

    PATTERN = "network"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: VpcOptions | None = None,
        existing_vpc: ec2.IVpc | None = None,
        gateway_endpoints: bool = True,
        interface_endpoints: InterfaceEndpoints | None = None,
        flow_logs: bool = True,
        log_retention_days: int = 365,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        check_network(
            vpc=vpc,
            existing_vpc=existing_vpc,
            gateway_endpoints=gateway_endpoints,
            interface_endpoints=interface_endpoints,
            flow_logs=flow_logs,
            log_retention_days=log_retention_days,
        )
        tag_pattern(self)

        self.vpc: ec2.IVpc
        self.nat: NatStrategy | None = None
        self.nat_gateways = 0
        self.ipv6_restriction: cr.AwsCustomResource | None = None
        if existing_vpc is None:
            options = vpc or VpcOptions()
            # The literal range, which cdk-nag can read (the VPC's CidrBlock it cannot).
            cidr = options.cidr
            created = builders.new_vpc(self, options)
            self.vpc, self.nat = created, options.nat
            self.nat_gateways = {
                NatStrategy.NONE: 0,
                NatStrategy.SINGLE: 1,
                NatStrategy.PER_AZ: len(created.availability_zones),
            }[options.nat]
            if options.ipv6:
                self.ipv6_restriction = builders.restrict_ipv6_default_egress(self, created)
        else:
            self.vpc, cidr = existing_vpc, existing_vpc.vpc_cidr_block
        self.workload_subnets = ec2.SubnetSelection(
            subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS
            if self.vpc.private_subnets
            else ec2.SubnetType.PRIVATE_ISOLATED
        )

        self.flow_log: ec2.FlowLog | None = None
        self.flow_log_group: logs.LogGroup | None = None
        if flow_logs:
            self.flow_log, self.flow_log_group = builders.flow_log(
                self, self.vpc, log_retention_days=log_retention_days, removal_policy=removal_policy
            )
        self.gateway_endpoints = builders.gateway_endpoints(self, self.vpc) if gateway_endpoints else {}
        self.endpoint_security_group: ec2.SecurityGroup | None = None
        self.interface_endpoints: dict[str, ec2.InterfaceVpcEndpoint] = {}
        if interface_endpoints is not None:
            self.endpoint_security_group, self.interface_endpoints = builders.interface_endpoints(
                self, self.vpc, interface_endpoints, cidr=cidr
            )
