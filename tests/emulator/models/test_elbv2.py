"""ELBv2 load balancers, listeners, listener rules and target groups, shaped as CDK emits
them for an internet-facing ALB (the fragments are shared with the Auto Scaling, ECS and
Application Auto Scaling tests)."""

from __future__ import annotations

from typing import Any

from emulator.notes import EMULATED
from tests.emulator.conftest import Cloud

#: A VPC with a subnet in each of two zones, and the load balancer's security group.
NETWORK: dict[str, Any] = {
    "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
    "SubnetA": {
        "Type": "AWS::EC2::Subnet",
        "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.0.0/24", "AvailabilityZone": "us-east-1a"},
    },
    "SubnetB": {
        "Type": "AWS::EC2::Subnet",
        "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1b"},
    },
    "LbGroup": {
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {"GroupDescription": "load balancer", "VpcId": {"Ref": "Vpc"}},
    },
    "Logs": {"Type": "AWS::S3::Bucket"},
}
SUBNETS = [{"Ref": "SubnetA"}, {"Ref": "SubnetB"}]
LOAD_BALANCER: dict[str, Any] = {
    "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "Properties": {
        "LoadBalancerAttributes": [
            {"Key": "deletion_protection.enabled", "Value": "false"},
            {"Key": "routing.http2.enabled", "Value": "true"},
            {"Key": "idle_timeout.timeout_seconds", "Value": "60"},
            {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
            {"Key": "routing.http.desync_mitigation_mode", "Value": "strictest"},
            {"Key": "access_logs.s3.enabled", "Value": "true"},
            {"Key": "access_logs.s3.bucket", "Value": {"Ref": "Logs"}},
            {"Key": "access_logs.s3.prefix", "Value": "alb/LoadBalancer"},
        ],
        "Scheme": "internet-facing",
        "SecurityGroups": [{"Fn::GetAtt": ["LbGroup", "GroupId"]}],
        "Subnets": SUBNETS,
        "Type": "application",
    },
}
REDIRECT: dict[str, Any] = {
    "Type": "AWS::ElasticLoadBalancingV2::Listener",
    "Properties": {
        "DefaultActions": [
            {"RedirectConfig": {"Port": "443", "Protocol": "HTTPS", "StatusCode": "HTTP_301"}, "Type": "redirect"}
        ],
        "LoadBalancerArn": {"Ref": "LoadBalancer"},
        "Port": 80,
        "Protocol": "HTTP",
    },
}


def target_group(target_type: str, port: int = 8080) -> dict[str, Any]:
    return {
        "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
        "Properties": {
            "HealthCheckIntervalSeconds": 30,
            "HealthCheckPath": "/health",
            "HealthCheckTimeoutSeconds": 5,
            "HealthyThresholdCount": 2,
            "Port": port,
            "Protocol": "HTTP",
            "TargetGroupAttributes": [
                {"Key": "deregistration_delay.timeout_seconds", "Value": "30"},
                {"Key": "stickiness.enabled", "Value": "false"},
            ],
            "TargetType": target_type,
            "UnhealthyThresholdCount": 3,
            "VpcId": {"Ref": "Vpc"},
        },
    }


def https_listener(certificate: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::ElasticLoadBalancingV2::Listener",
        "Properties": {
            "Certificates": [{"CertificateArn": certificate}],
            "DefaultActions": [{"TargetGroupArn": {"Ref": "Targets"}, "Type": "forward"}],
            "LoadBalancerArn": {"Ref": "LoadBalancer"},
            "Port": 443,
            "Protocol": "HTTPS",
            "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        },
    }


#: A plain-HTTP listener forwarding to ``Targets`` (the sandbox's front door without a domain).
HTTP_FORWARD: dict[str, Any] = {
    "Type": "AWS::ElasticLoadBalancingV2::Listener",
    "Properties": {
        "DefaultActions": [{"TargetGroupArn": {"Ref": "Targets"}, "Type": "forward"}],
        "LoadBalancerArn": {"Ref": "LoadBalancer"},
        "Port": 80,
        "Protocol": "HTTP",
    },
}


def front_door(target_type: str) -> dict[str, Any]:
    """Network, ALB, a target group of ``target_type`` and a plain-HTTP listener to it."""
    return {
        **NETWORK,
        "LoadBalancer": LOAD_BALANCER,
        "Targets": target_group(target_type),
        "Listener": HTTP_FORWARD,
    }


def request_count_label(listener: str, target_group: str) -> dict[str, Any]:
    """The ``ResourceLabel`` CDK builds for ALBRequestCountPerTarget: app/<lb>/<id>/targetgroup/<tg>/<id>."""
    parts = [{"Fn::Select": [index, {"Fn::Split": ["/", {"Ref": listener}]}]} for index in (1, 2, 3)]
    return {
        "Fn::Join": [
            "",
            [parts[0], "/", parts[1], "/", parts[2], "/", {"Fn::GetAtt": [target_group, "TargetGroupFullName"]}],
        ]
    }


def test_a_load_balancer_keeps_its_attributes_and_answers_what_cdk_reads(cloud: Cloud) -> None:
    stack = cloud.deploy(
        {**NETWORK, "LoadBalancer": LOAD_BALANCER},
        outputs={
            name: {"Value": {"Fn::GetAtt": ["LoadBalancer", name]}}
            for name in ("DNSName", "CanonicalHostedZoneID", "LoadBalancerFullName", "LoadBalancerName")
        }
        | {"Groups": {"Value": {"Fn::Join": [",", {"Fn::GetAtt": ["LoadBalancer", "SecurityGroups"]}]}}},
    )
    elbv2, arn = cloud.client("elbv2"), cloud.physical_id("LoadBalancer")
    balancer = elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]
    assert (balancer["Type"], balancer["Scheme"], balancer["IpAddressType"]) == (
        "application",
        "internet-facing",
        "ipv4",
    )
    assert balancer["CanonicalHostedZoneId"] == "Z35SXDOTRQ7X7K"  # us-east-1's ALB zone
    assert balancer["SecurityGroups"] == [cloud.physical_id("LbGroup")]
    assert {zone["SubnetId"] for zone in balancer["AvailabilityZones"]} == {
        cloud.physical_id("SubnetA"),
        cloud.physical_id("SubnetB"),
    }
    attributes = {
        a["Key"]: a["Value"] for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
    }
    assert attributes["access_logs.s3.enabled"] == "true"
    assert attributes["access_logs.s3.bucket"] == cloud.physical_id("Logs")
    assert attributes["access_logs.s3.prefix"] == "alb/LoadBalancer"
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["routing.http.desync_mitigation_mode"] == "strictest"
    assert attributes["deletion_protection.enabled"] == "false"

    outputs = cloud.outputs(stack)
    assert outputs["LoadBalancerFullName"] == arn.split(":loadbalancer/")[1]
    assert outputs["LoadBalancerFullName"].startswith(f"app/{balancer['LoadBalancerName']}/")
    assert outputs["DNSName"] == balancer["DNSName"]
    assert outputs["CanonicalHostedZoneID"] == "Z35SXDOTRQ7X7K"
    assert outputs["LoadBalancerName"] == balancer["LoadBalancerName"]
    assert outputs["Groups"] == cloud.physical_id("LbGroup")

    assert cloud.delete() == "DELETE_COMPLETE"
    assert elbv2.describe_load_balancers()["LoadBalancers"] == []


def test_listeners_redirect_and_forward_with_the_tls_policy_and_the_certificate(cloud: Cloud) -> None:
    certificate = cloud.client("acm").request_certificate(DomainName="www.example.com")["CertificateArn"]
    stack = cloud.deploy(
        {
            **NETWORK,
            "LoadBalancer": LOAD_BALANCER,
            "Redirect": REDIRECT,
            "Targets": target_group("instance"),
            "Canary": target_group("ip"),
            "Https": https_listener(certificate),
            "Rule": {
                "Type": "AWS::ElasticLoadBalancingV2::ListenerRule",
                "Properties": {
                    "ListenerArn": {"Ref": "Https"},
                    "Priority": 10,
                    "Conditions": [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/beta/*"]}}],
                    "Actions": [
                        {
                            "Type": "forward",
                            "ForwardConfig": {
                                "TargetGroups": [
                                    {"TargetGroupArn": {"Ref": "Targets"}, "Weight": 90},
                                    {"TargetGroupArn": {"Ref": "Canary"}, "Weight": 10},
                                ]
                            },
                        }
                    ],
                },
            },
        },
        outputs={
            "FullName": {"Value": {"Fn::GetAtt": ["Targets", "TargetGroupFullName"]}},
            "Balancers": {"Value": {"Fn::Join": [",", {"Fn::GetAtt": ["Targets", "LoadBalancerArns"]}]}},
            "Label": {"Value": request_count_label("Https", "Targets")},
            "RuleArn": {"Value": {"Fn::GetAtt": ["Rule", "RuleArn"]}},
        },
    )
    elbv2, balancer = cloud.client("elbv2"), cloud.physical_id("LoadBalancer")
    listeners = {
        listener["Port"]: listener for listener in elbv2.describe_listeners(LoadBalancerArn=balancer)["Listeners"]
    }
    assert listeners[80]["Protocol"] == "HTTP"
    assert listeners[80]["DefaultActions"][0]["RedirectConfig"] == {
        "Port": "443",
        "Protocol": "HTTPS",
        "StatusCode": "HTTP_301",
    }
    https = listeners[443]
    assert https["ListenerArn"] == cloud.physical_id("Https")
    assert (https["Protocol"], https["SslPolicy"]) == ("HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06")
    assert https["Certificates"] == [{"CertificateArn": certificate}]
    targets = cloud.physical_id("Targets")
    assert https["DefaultActions"][0]["TargetGroupArn"] == targets

    rules = [rule for rule in elbv2.describe_rules(ListenerArn=https["ListenerArn"])["Rules"] if not rule["IsDefault"]]
    assert [rule["RuleArn"] for rule in rules] == [cloud.physical_id("Rule")] == [cloud.outputs(stack)["RuleArn"]]
    assert rules[0]["Conditions"][0]["PathPatternConfig"]["Values"] == ["/beta/*"]
    weights = {tg["TargetGroupArn"]: tg["Weight"] for tg in rules[0]["Actions"][0]["ForwardConfig"]["TargetGroups"]}
    assert weights == {targets: 90, cloud.physical_id("Canary"): 10}

    group = elbv2.describe_target_groups(TargetGroupArns=[targets])["TargetGroups"][0]
    assert group["LoadBalancerArns"] == [balancer]
    assert (group["TargetType"], group["Port"], group["Protocol"]) == ("instance", 8080, "HTTP")
    assert (group["HealthCheckPath"], group["HealthCheckIntervalSeconds"], group["HealthCheckTimeoutSeconds"]) == (
        "/health",
        30,
        5,
    )
    assert (group["HealthyThresholdCount"], group["UnhealthyThresholdCount"]) == (2, 3)
    attributes = {
        a["Key"]: a["Value"] for a in elbv2.describe_target_group_attributes(TargetGroupArn=targets)["Attributes"]
    }
    assert attributes["deregistration_delay.timeout_seconds"] == "30"

    outputs = cloud.outputs(stack)
    assert outputs["FullName"] == targets.split(":")[-1]
    assert outputs["FullName"].startswith(f"targetgroup/{group['TargetGroupName']}/")
    assert outputs["Balancers"] == balancer
    # What ALBRequestCountPerTarget names: the load balancer's and the group's full names.
    assert outputs["Label"] == f"{balancer.split(':loadbalancer/')[1]}/{outputs['FullName']}"

    assert cloud.delete() == "DELETE_COMPLETE"
    assert elbv2.describe_load_balancers()["LoadBalancers"] == []
    assert elbv2.describe_target_groups()["TargetGroups"] == []
    assert cloud.client("acm").describe_certificate(CertificateArn=certificate)["Certificate"]["InUseBy"] == []


def test_a_target_group_lists_its_load_balancer_only_while_a_listener_forwards_to_it(cloud: Cloud) -> None:
    cloud.deploy(front_door("ip"))
    elbv2, targets = cloud.client("elbv2"), cloud.physical_id("Targets")
    assert elbv2.describe_target_groups(TargetGroupArns=[targets])["TargetGroups"][0]["LoadBalancerArns"] == [
        cloud.physical_id("LoadBalancer")
    ]

    elbv2.delete_listener(ListenerArn=cloud.physical_id("Listener"))
    assert cloud.delete() == "DELETE_COMPLETE"
    assert elbv2.describe_target_groups()["TargetGroups"] == []


def test_a_listener_refuses_a_certificate_acm_does_not_hold(cloud: Cloud) -> None:
    missing = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
    stack = cloud.deploy(
        {**NETWORK, "LoadBalancer": LOAD_BALANCER, "Targets": target_group("ip"), "Https": https_listener(missing)}
    )
    assert stack["StackStatus"] == "CREATE_FAILED"
    assert "CertificateNotFound" in cloud.events()["Https"][1]


def test_a_listener_keeps_the_placeholder_of_a_skipped_certificate_and_says_so(cloud: Cloud) -> None:
    cloud.deploy(
        {
            **NETWORK,
            "Certificate": {
                "Type": "AWS::CertificateManager::Certificate",
                "Properties": {"DomainName": "www.example.com", "ValidationMethod": "DNS"},
            },
            "LoadBalancer": LOAD_BALANCER,
            "Targets": target_group("ip"),
            "Https": https_listener({"Ref": "Certificate"}),
        }
    )
    status, reason = cloud.events()["Https"]
    assert status == "CREATE_COMPLETE"
    assert reason.startswith(EMULATED) and "skipped-Certificate" in reason
    listener = cloud.client("elbv2").describe_listeners(ListenerArns=[cloud.physical_id("Https")])["Listeners"][0]
    assert listener["Certificates"] == [{"CertificateArn": "skipped-Certificate"}]

    assert cloud.delete() == "DELETE_COMPLETE"


def test_deletion_protection_fails_the_deletion_as_in_aws(cloud: Cloud) -> None:
    protected = {
        **LOAD_BALANCER,
        "Properties": {
            **LOAD_BALANCER["Properties"],
            "LoadBalancerAttributes": [{"Key": "deletion_protection.enabled", "Value": "true"}],
        },
    }
    cloud.deploy({**NETWORK, "LoadBalancer": protected})
    elbv2, arn = cloud.client("elbv2"), cloud.physical_id("LoadBalancer")

    assert cloud.delete() == "DELETE_FAILED"
    assert [b["LoadBalancerArn"] for b in elbv2.describe_load_balancers()["LoadBalancers"]] == [arn]

    elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=arn, Attributes=[{"Key": "deletion_protection.enabled", "Value": "false"}]
    )
    assert cloud.delete() == "DELETE_COMPLETE"
    assert elbv2.describe_load_balancers()["LoadBalancers"] == []
