"""The parts Network is built from, one function each."""

from __future__ import annotations

from aws_cdk import Fn, RemovalPolicy, Stack, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import custom_resources as cr
from constructs import Construct

from cdk_refarch.core.nag import acknowledge
from cdk_refarch.core.names import pascal
from cdk_refarch.core.retention import log_retention
from cdk_refarch.network.options import INTERFACE_SERVICES, InterfaceEndpoints, NatStrategy, VpcOptions

#: The construct ID of aws-cdk-lib's AwsCustomResource provider function, one per stack.
PROVIDER_ID = "AWS679f53fac002430cb0da5b7982bd2287"

#: The free gateway endpoints, by construct ID.
GATEWAY_SERVICES = {
    "S3": ec2.GatewayVpcEndpointAwsService.S3,
    "DynamoDb": ec2.GatewayVpcEndpointAwsService.DYNAMODB,
}


def new_vpc(scope: Construct, options: VpcOptions) -> ec2.Vpc:
    """The VPC (``Vpc``): public, private-with-egress (unless NAT is NONE) and isolated
    subnets in every AZ, an equal share of the range each; the default security group
    without rules (notes 003:2151-2181)."""
    tiers = [
        # Load balancers and NAT gateways get their own public addresses; an instance
        # launched here by mistake should not get one too.
        ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC, map_public_ip_on_launch=False),
        ec2.SubnetConfiguration(name="Private", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        ec2.SubnetConfiguration(name="Isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
    ]
    if options.nat is NatStrategy.NONE:
        # CDK refuses egress subnets without a NAT gateway: there would be no route out.
        tiers = [tier for tier in tiers if tier.subnet_type is not ec2.SubnetType.PRIVATE_WITH_EGRESS]
    zones = _zones(scope, options.max_azs)
    return ec2.Vpc(
        scope,
        "Vpc",
        ip_addresses=ec2.IpAddresses.cidr(options.cidr),
        max_azs=None if zones else options.max_azs,
        availability_zones=zones,
        # None is CDK's default: one NAT gateway per AZ.
        nat_gateways={NatStrategy.NONE: 0, NatStrategy.SINGLE: 1, NatStrategy.PER_AZ: None}[options.nat],
        subnet_configuration=tiers,
        enable_dns_hostnames=True,
        enable_dns_support=True,
        restrict_default_security_group=True,
        ip_protocol=ec2.IpProtocol.DUAL_STACK if options.ipv6 else ec2.IpProtocol.IPV4_ONLY,
    )


def _zones(scope: Construct, max_azs: int) -> list[str] | None:
    """The AZs of an environment-agnostic stack, or None to let CDK look them up.

    With an account and region CDK reads the region's AZs (cdk.context.json) and takes
    ``max_azs`` of them. Without, it knows only two (``Fn::Select`` 0 and 1 of
    ``Fn::GetAZs``) and would silently build a 3-AZ VPC in 2, so they are named here
    the same way, as many as asked.
    """
    stack = Stack.of(scope)
    if not (Token.is_unresolved(stack.account) or Token.is_unresolved(stack.region)):
        return None
    return [Fn.select(index, Fn.get_azs()) for index in range(max_azs)]


def restrict_ipv6_default_egress(scope: Construct, vpc: ec2.Vpc) -> cr.AwsCustomResource:
    """Revoke the ``::/0`` egress rule that EC2 adds to the default security group when
    the VPC gets its IPv6 range: CDK's restriction only revokes the IPv4 rules
    (aws-cdk #29709)."""
    group = vpc.vpc_default_security_group
    revoke = cr.AwsSdkCall(
        service="EC2",
        action="revokeSecurityGroupEgress",
        parameters={"GroupId": group, "IpPermissions": [{"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]},
        physical_resource_id=cr.PhysicalResourceId.of(f"{group}-ipv6-egress"),
        ignore_error_codes_matching="InvalidPermission.NotFound",
    )
    arn = Stack.of(scope).format_arn(service="ec2", resource="security-group", resource_name=group)
    custom = cr.AwsCustomResource(
        scope,
        "RestrictDefaultSecurityGroupIpv6",
        on_create=revoke,
        policy=cr.AwsCustomResourcePolicy.from_statements(
            [iam.PolicyStatement(actions=["ec2:RevokeSecurityGroupEgress"], resources=[arn])]
        ),
        install_latest_aws_sdk=False,
    )
    # The rule exists only once the IPv6 range is associated.
    custom.node.add_dependency(vpc.node.find_child("ipv6cidr"))
    provider = Stack.of(scope).node.find_child(PROVIDER_ID)
    acknowledge(
        provider,
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
        "aws-cdk-lib gives its AwsCustomResource provider (one per stack) this managed policy to write "
        "its logs; it runs only while CloudFormation changes the resource, and its one other permission "
        "is ec2:RevokeSecurityGroupEgress on this VPC's default security group.",
    )
    return custom


def flow_log(
    scope: Construct, vpc: ec2.IVpc, *, log_retention_days: int, removal_policy: RemovalPolicy
) -> tuple[ec2.FlowLog, logs.LogGroup]:
    """Every accepted and rejected flow of the VPC to its own log group (``FlowLogs``):
    what the notes expect of NACL logging (003:2303-2305) is VPC Flow Logs."""
    group = logs.LogGroup(
        scope,
        "FlowLogs",
        retention=log_retention("log_retention_days", log_retention_days),
        removal_policy=removal_policy,
    )
    flow = ec2.FlowLog(
        scope,
        "FlowLog",
        resource_type=ec2.FlowLogResourceType.from_vpc(vpc),
        destination=ec2.FlowLogDestination.to_cloud_watch_logs(group),
        traffic_type=ec2.FlowLogTrafficType.ALL,
    )
    return flow, group


def gateway_endpoints(scope: Construct, vpc: ec2.IVpc) -> dict[str, ec2.GatewayVpcEndpoint]:
    """S3 and DynamoDB gateway endpoints in every route table: free, and traffic to both
    stays off NAT (notes 001:1474-1475, 1543-1544, 2341)."""
    return {
        name: ec2.GatewayVpcEndpoint(scope, f"{name}Endpoint", vpc=vpc, service=service)
        for name, service in GATEWAY_SERVICES.items()
    }


def interface_endpoints(
    scope: Construct, vpc: ec2.IVpc, options: InterfaceEndpoints, *, cidr: str
) -> tuple[ec2.SecurityGroup, dict[str, ec2.InterfaceVpcEndpoint]]:
    """One endpoint per service in one private subnet per AZ (isolated without NAT),
    all behind one security group that allows HTTPS from the VPC's IPv4 range (``cidr``)
    only.

    The endpoints listen on IPv4 only (their IP address type is CDK's default), also in
    a dual-stack VPC, so the group needs no IPv6 rule.
    """
    group = ec2.SecurityGroup(
        scope,
        "EndpointSecurityGroup",
        vpc=vpc,
        description="Interface endpoints: HTTPS from the VPC only",
        allow_all_outbound=False,
    )
    group.add_ingress_rule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), "HTTPS from the VPC")
    if Token.is_unresolved(cidr):
        acknowledge(
            group,
            "AwsSolutions-EC23",
            "The only ingress rule's source is the existing VPC's own IPv4 range, a reference that "
            "cdk-nag cannot resolve (the rule reports an error, not a finding); it is never 0.0.0.0/0.",
        )
    endpoints = {
        name: ec2.InterfaceVpcEndpoint(
            scope,
            f"{pascal(name)}Endpoint",
            vpc=vpc,
            service=INTERFACE_SERVICES[name],
            security_groups=[group],
            # open=True would add a second, identical rule to the shared group.
            open=False,
            private_dns_enabled=options.private_dns,
        )
        for name in options.services
    }
    return group, endpoints
