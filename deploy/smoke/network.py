"""Smoke checks of the ``network`` pattern (see ``deploy/smoke/__init__.py``).

On both targets, read back through the EC2 and CloudWatch Logs APIs and compared with the
template: one subnet per tier (public, private, isolated) in every AZ; as many NAT
gateways as the template declares, each private subnet routed through one (its own AZ's
when there is one per AZ); public subnets routed to the internet gateway and isolated
ones nowhere; the flow log to its CloudWatch Logs group; the S3 and DynamoDB gateway
endpoints in every route table; the interface endpoints, when the stack has any, behind
their HTTPS-only security group; the default security group without rules.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from deploy.smoke import SmokeContext, SmokeSkip

SUBNET_TYPE_TAG = "aws-cdk:subnet-type"


def _vpc_id(ctx: SmokeContext) -> str:
    return ctx.only("AWS::EC2::VPC")


def _declared(ctx: SmokeContext, resource_type: str) -> list[dict[str, Any]]:
    """The properties of the pattern's resources of ``resource_type`` in the template."""
    resources = ctx.template["Resources"]
    return [resources[key].get("Properties", {}) for key in ctx.tagged(resource_type)]


def _subnets(ctx: SmokeContext) -> dict[str, list[dict[str, Any]]]:
    """The VPC's subnets by tier (CDK's subnet-type tag: Public, Private, Isolated)."""
    subnets = ctx.client("ec2").describe_subnets(Filters=[{"Name": "vpc-id", "Values": [_vpc_id(ctx)]}])["Subnets"]
    tiers: dict[str, list[dict[str, Any]]] = {}
    for subnet in subnets:
        tags = {tag["Key"]: tag["Value"] for tag in subnet.get("Tags", [])}
        tiers.setdefault(tags.get(SUBNET_TYPE_TAG, "untagged"), []).append(subnet)
    return tiers


def _route_tables(ctx: SmokeContext) -> dict[str, dict[str, Any]]:
    """Route table by subnet ID, for the VPC's subnets."""
    tables = ctx.client("ec2").describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [_vpc_id(ctx)]}])
    return {
        association["SubnetId"]: table
        for table in tables["RouteTables"]
        for association in table.get("Associations", [])
        if association.get("SubnetId")
    }


def _default_route(table: dict[str, Any]) -> dict[str, Any] | None:
    return next((route for route in table["Routes"] if route.get("DestinationCidrBlock") == "0.0.0.0/0"), None)


def _nat_gateways(ctx: SmokeContext) -> list[dict[str, Any]]:
    found = ctx.client("ec2").describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [_vpc_id(ctx)]}])
    return [nat for nat in found["NatGateways"] if nat["State"] == "available"]


def check_subnets_per_tier_and_az(ctx: SmokeContext) -> None:
    declared = Counter(
        tag["Value"]
        for properties in _declared(ctx, "AWS::EC2::Subnet")
        for tag in properties.get("Tags", [])
        if tag["Key"] == SUBNET_TYPE_TAG
    )
    tiers = _subnets(ctx)
    assert {tier: len(subnets) for tier, subnets in tiers.items()} == dict(declared), (tiers.keys(), declared)
    zones = {tier: sorted(subnet["AvailabilityZone"] for subnet in subnets) for tier, subnets in tiers.items()}
    public_zones = zones["Public"]
    assert len(set(public_zones)) == len(public_zones), f"two public subnets share an AZ: {public_zones}"
    assert all(tier_zones == public_zones for tier_zones in zones.values()), f"tiers span other AZs: {zones}"
    assert not any(subnet["MapPublicIpOnLaunch"] for subnet in tiers["Public"]), "a public subnet maps public IPs"


def check_nat_gateways_match_the_template(ctx: SmokeContext) -> None:
    nats = _nat_gateways(ctx)
    declared = len(_declared(ctx, "AWS::EC2::NatGateway"))
    assert len(nats) == declared, f"{len(nats)} NAT gateway(s) available, the template declares {declared}"
    tiers, tables = _subnets(ctx), _route_tables(ctx)
    public = {subnet["SubnetId"]: subnet["AvailabilityZone"] for subnet in tiers["Public"]}
    nat_zones = {nat["NatGatewayId"]: public.get(nat["SubnetId"]) for nat in nats}
    assert None not in nat_zones.values(), f"a NAT gateway is outside the public subnets: {nat_zones}"
    for subnet in tiers.get("Private", []):
        route = _default_route(tables[subnet["SubnetId"]]) or {}
        nat_id = route.get("NatGatewayId")
        assert nat_id in nat_zones, f"{subnet['SubnetId']} does not reach the internet through a NAT gateway: {route}"
        if len(nats) == len(public):  # one per AZ: each AZ keeps its own egress
            assert nat_zones[nat_id] == subnet["AvailabilityZone"], f"{subnet['SubnetId']} uses another AZ's NAT"


def check_public_subnets_use_the_internet_gateway_and_isolated_ones_nothing(ctx: SmokeContext) -> None:
    gateways = ctx.client("ec2").describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [_vpc_id(ctx)]}]
    )["InternetGateways"]
    assert len(gateways) == 1, f"expected one internet gateway attached to the VPC, found {len(gateways)}"
    tiers, tables = _subnets(ctx), _route_tables(ctx)
    for subnet in tiers["Public"]:
        route = _default_route(tables[subnet["SubnetId"]]) or {}
        assert route.get("GatewayId") == gateways[0]["InternetGatewayId"], f"{subnet['SubnetId']}: {route}"
    for subnet in tiers.get("Isolated", []):
        route = _default_route(tables[subnet["SubnetId"]])
        assert route is None, f"isolated subnet {subnet['SubnetId']} has a route out: {route}"


def check_flow_log_goes_to_cloudwatch_logs(ctx: SmokeContext) -> None:
    flow_logs = ctx.client("ec2").describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [_vpc_id(ctx)]}])
    (flow_log,) = [log for log in flow_logs["FlowLogs"] if log["FlowLogId"] == ctx.only("AWS::EC2::FlowLog")]
    assert flow_log["LogDestinationType"] == "cloud-watch-logs", flow_log
    assert flow_log["TrafficType"] == "ALL", flow_log
    group_name = ctx.only("AWS::Logs::LogGroup")
    assert flow_log["LogGroupName"] == group_name, f"flow log writes to {flow_log['LogGroupName']}, not {group_name}"
    groups = ctx.client("logs").describe_log_groups(logGroupNamePrefix=group_name)["logGroups"]
    (group,) = [group for group in groups if group["logGroupName"] == group_name]
    (declared,) = _declared(ctx, "AWS::Logs::LogGroup")
    assert group.get("retentionInDays") == declared["RetentionInDays"], group


def check_gateway_endpoints_serve_every_route_table(ctx: SmokeContext) -> None:
    endpoints = ctx.client("ec2").describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [_vpc_id(ctx)]}, {"Name": "vpc-endpoint-type", "Values": ["Gateway"]}]
    )["VpcEndpoints"]
    services = {endpoint["ServiceName"].rsplit(".", 1)[-1]: endpoint for endpoint in endpoints}
    assert sorted(services) == ["dynamodb", "s3"], f"gateway endpoints: {sorted(services)}"
    tables = {table["RouteTableId"] for table in _route_tables(ctx).values()}
    for name, endpoint in services.items():
        assert set(endpoint["RouteTableIds"]) == tables, f"{name} endpoint misses route tables"


def check_interface_endpoints_accept_https_from_the_vpc_only(ctx: SmokeContext) -> None:
    declared = [p for p in _declared(ctx, "AWS::EC2::VPCEndpoint") if p.get("VpcEndpointType") == "Interface"]
    if not declared:
        raise SmokeSkip("the stack has no interface endpoints (the sandbox stage creates none, to save their cost)")
    ec2 = ctx.client("ec2")
    endpoints = ec2.describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [_vpc_id(ctx)]}, {"Name": "vpc-endpoint-type", "Values": ["Interface"]}]
    )["VpcEndpoints"]
    assert len(endpoints) == len(declared), f"{len(endpoints)} interface endpoints, the template declares {declared}"
    zones = {subnet["SubnetId"]: subnet["AvailabilityZone"] for tier in _subnets(ctx).values() for subnet in tier}
    groups = {group["GroupId"] for endpoint in endpoints for group in endpoint["Groups"]}
    assert len(groups) == 1, f"the interface endpoints use {len(groups)} security groups, not one"
    for endpoint in endpoints:
        endpoint_zones = [zones[subnet] for subnet in endpoint["SubnetIds"]]
        assert len(set(endpoint_zones)) == len(endpoint_zones) == len(set(zones.values())), endpoint
        assert endpoint["PrivateDnsEnabled"] is True, f"{endpoint['ServiceName']} has no private DNS"
    (group,) = ec2.describe_security_groups(GroupIds=list(groups))["SecurityGroups"]
    cidr = ec2.describe_vpcs(VpcIds=[_vpc_id(ctx)])["Vpcs"][0]["CidrBlock"]
    rules = [
        (rule["IpProtocol"], rule.get("FromPort"), rule.get("ToPort"), [r["CidrIp"] for r in rule.get("IpRanges", [])])
        for rule in group["IpPermissions"]
    ]
    assert rules == [("tcp", 443, 443, [cidr])], f"endpoint security group ingress: {rules}"


def check_default_security_group_has_no_rules(ctx: SmokeContext) -> None:
    (group,) = ctx.client("ec2").describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [_vpc_id(ctx)]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]
    assert group["IpPermissions"] == [], f"default security group ingress: {group['IpPermissions']}"
    assert group["IpPermissionsEgress"] == [], f"default security group egress: {group['IpPermissionsEgress']}"


def check_vpc_resolves_private_dns(ctx: SmokeContext) -> None:
    ec2 = ctx.client("ec2")
    for attribute, key in (("enableDnsSupport", "EnableDnsSupport"), ("enableDnsHostnames", "EnableDnsHostnames")):
        value = ec2.describe_vpc_attribute(VpcId=_vpc_id(ctx), Attribute=attribute)[key]["Value"]
        assert value is True, f"{attribute} is {value!r}: interface endpoints' private DNS needs it"
