"""WebTier's defaults and options, on the variants of tests/cdk_refarch/web_tier/variants.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.cdk_refarch.web_tier.variants import build
from tests.quality.test_gates import lint_findings
from tests.synthesis import Synthesized, synthesize

DEFAULTS, OPTIONS = "WebDefaults", "WebOptions"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(tmp_path_factory.mktemp("web-tier"), build)


def _one(app: Synthesized, stack: str, resource_type: str) -> dict[str, Any]:
    _, resource = app.only(stack, resource_type)
    return resource


def _logical_id(app: Synthesized, stack: str, prefix: str) -> str:
    (logical_id,) = [key for key in app.template_json(stack)["Resources"] if key.startswith(prefix)]
    return logical_id


def _all(app: Synthesized, stack: str, resource_type: str) -> list[dict[str, Any]]:
    return [resource["Properties"] for resource in app.resources(stack, resource_type).values()]


@pytest.mark.parametrize("stack", [DEFAULTS, OPTIONS])
def test_nag_lint_and_warnings_are_clean(app: Synthesized, stack: str) -> None:
    assert app.violations_of(stack) == []
    assert lint_findings(app, stack) == []
    assert app.warnings_of(stack) == []


def test_launch_template_defaults(app: Synthesized) -> None:
    data = _one(app, DEFAULTS, "AWS::EC2::LaunchTemplate")["Properties"]["LaunchTemplateData"]
    assert data["InstanceType"] == "t4g.micro"
    assert data["MetadataOptions"] == {
        "HttpPutResponseHopLimit": 1,
        "HttpTokens": "required",
        "InstanceMetadataTags": "disabled",
    }
    (root,) = data["BlockDeviceMappings"]
    assert root["DeviceName"] == "/dev/xvda"
    assert root["Ebs"] == {"DeleteOnTermination": True, "Encrypted": True, "VolumeSize": 8, "VolumeType": "gp3"}
    assert data["Monitoring"] == {"Enabled": True}
    assert "KeyName" not in data
    # Amazon Linux 2023 on arm64, from the SSM parameter AWS publishes.
    parameters = app.template_json(DEFAULTS)["Parameters"]
    images = [str(p.get("Default")) for p in parameters.values() if "ami-amazon-linux-latest" in str(p.get("Default"))]
    assert len(images) == 1 and "/al2023-ami-kernel-" in images[0] and images[0].endswith("-arm64")


def test_user_data_downloads_unzips_and_installs_the_app(app: Synthesized) -> None:
    data = _one(app, DEFAULTS, "AWS::EC2::LaunchTemplate")["Properties"]["LaunchTemplateData"]
    script = "".join(
        part if isinstance(part, str) else "<ref>" for part in data["UserData"]["Fn::Base64"]["Fn::Join"][1]
    )
    assert script.startswith("#!/bin/bash\nset -euo pipefail\n")
    assert "aws s3 cp 's3://<ref>/<ref>'" in script or "aws s3 cp" in script
    assert 'python3 -m zipfile -e "' in script
    assert script.rstrip().endswith('cd "$workdir" && sh install.sh')


def test_environment_and_secret_arns_reach_the_install_command(app: Synthesized) -> None:
    data = _one(app, OPTIONS, "AWS::EC2::LaunchTemplate")["Properties"]["LaunchTemplateData"]
    parts = data["UserData"]["Fn::Base64"]["Fn::Join"][1]
    script = "".join(part if isinstance(part, str) else json.dumps(part) for part in parts)
    key, login = _logical_id(app, OPTIONS, "SecretKey"), _logical_id(app, OPTIONS, "Login")
    assert script.rstrip().endswith(
        f"""cd "$workdir" && env 'APP_STAGE=test' 'DATABASE_HOST={{"Ref": "{key}"}}' """
        f"""'DATABASE_LOGIN_ARN={{"Ref": "{login}"}}' sh install.sh"""
    )


def test_the_instance_role_reads_its_secrets_and_nothing_more(app: Synthesized) -> None:
    (policy,) = [
        p
        for p in app.resources(OPTIONS, "AWS::IAM::Policy").values()
        if "InstanceRole" in json.dumps(p["Properties"]["Roles"])
    ]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    login = _logical_id(app, OPTIONS, "Login")
    assert {
        "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
        "Effect": "Allow",
        "Resource": {"Ref": login},
    } in statements
    # The key lets the role decrypt through Secrets Manager only.
    key = _logical_id(app, OPTIONS, "SecretKey")
    key_policy = app.template_json(OPTIONS)["Resources"][key]["Properties"]["KeyPolicy"]["Statement"]
    (role,) = [k for k, r in app.resources(OPTIONS, "AWS::IAM::Role").items() if k.startswith("WebInstanceRole")]
    (decrypt,) = [s for s in key_policy if s["Principal"] == {"AWS": {"Fn::GetAtt": [role, "Arn"]}}]
    assert (decrypt["Action"], decrypt["Condition"]) == (
        "kms:Decrypt",
        {"StringEquals": {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}},
    )
    assert len(statements) == 2  # the asset, the secret: nothing more


def test_instances_reach_nothing_but_what_they_need(app: Synthesized) -> None:
    roles = [
        r
        for r in app.resources(DEFAULTS, "AWS::IAM::Role").values()
        if "Web tier" in r["Properties"].get("Description", "")
    ]
    (role,) = roles
    policies = sorted(str(arn["Fn::Join"][1][-1]) for arn in role["Properties"]["ManagedPolicyArns"])
    assert policies == [":iam::aws:policy/AmazonSSMManagedInstanceCore", ":iam::aws:policy/CloudWatchAgentServerPolicy"]
    groups = app.resources(DEFAULTS, "AWS::EC2::SecurityGroup")
    (instances,) = [g for g in groups.values() if g["Properties"]["GroupDescription"].startswith("Web tier instances")]
    assert "SecurityGroupIngress" not in instances["Properties"]  # no port 22, nothing inline
    ingress = app.resources(DEFAULTS, "AWS::EC2::SecurityGroupIngress").values()
    assert [(rule["Properties"]["FromPort"], "SourceSecurityGroupId" in rule["Properties"]) for rule in ingress] == [
        (8080, True)
    ]


def test_group_defaults(app: Synthesized) -> None:
    group = _one(app, DEFAULTS, "AWS::AutoScaling::AutoScalingGroup")
    props = group["Properties"]
    assert (props["MinSize"], props["MaxSize"]) == ("1", "2")
    assert "DesiredCapacity" not in props  # equal to the minimum: left to the group
    assert props["HealthCheckType"] == "ELB" and props["HealthCheckGracePeriod"] == 300
    assert props["CapacityRebalance"] is True
    assert props["MetricsCollection"] == [{"Granularity": "1Minute"}]
    assert len(props["NotificationConfigurations"]) == 1
    assert group["UpdatePolicy"]["AutoScalingRollingUpdate"]["MinInstancesInService"] == 1
    (policy,) = app.resources(DEFAULTS, "AWS::AutoScaling::ScalingPolicy").values()
    tracking = policy["Properties"]["TargetTrackingConfiguration"]
    assert tracking["TargetValue"] == 70
    assert tracking["PredefinedMetricSpecification"]["PredefinedMetricType"] == "ASGAverageCPUUtilization"


def test_target_group_health_check(app: Synthesized) -> None:
    props = _one(app, DEFAULTS, "AWS::ElasticLoadBalancingV2::TargetGroup")["Properties"]
    assert (props["Port"], props["Protocol"], props["HealthCheckPath"]) == (8080, "HTTP", "/health")
    assert (props["HealthCheckIntervalSeconds"], props["HealthCheckTimeoutSeconds"]) == (15, 5)
    assert (props["HealthyThresholdCount"], props["UnhealthyThresholdCount"]) == (2, 3)
    assert props["Matcher"] == {"HttpCode": "200"}


def test_alarms_of_the_defaults(app: Synthesized) -> None:
    metrics = sorted(a["MetricName"] for a in _all(app, DEFAULTS, "AWS::CloudWatch::Alarm"))
    assert metrics == [
        "GroupInServiceInstances",
        "HTTPCode_ELB_5XX_Count",
        "HTTPCode_Target_5XX_Count",
        "TargetResponseTime",
        "UnHealthyHostCount",
    ]


def test_options(app: Synthesized) -> None:
    data = _one(app, OPTIONS, "AWS::EC2::LaunchTemplate")["Properties"]["LaunchTemplateData"]
    assert data["InstanceType"] == "m7g.large"
    assert data["BlockDeviceMappings"][0]["Ebs"]["VolumeSize"] == 20
    props = _one(app, OPTIONS, "AWS::AutoScaling::AutoScalingGroup")["Properties"]
    assert (props["MinSize"], props["DesiredCapacity"], props["MaxSize"]) == ("2", "3", "6")
    assert props["HealthCheckGracePeriod"] == 120
    policies = [
        p["Properties"]["TargetTrackingConfiguration"]
        for p in app.resources(OPTIONS, "AWS::AutoScaling::ScalingPolicy").values()
    ]
    kinds = sorted((p["PredefinedMetricSpecification"]["PredefinedMetricType"], p["TargetValue"]) for p in policies)
    assert kinds == [("ALBRequestCountPerTarget", 500), ("ASGAverageCPUUtilization", 60)]
    target = _one(app, OPTIONS, "AWS::ElasticLoadBalancingV2::TargetGroup")["Properties"]
    assert (target["Port"], target["HealthCheckPath"], target["HealthCheckTimeoutSeconds"]) == (9000, "/healthz", 4)
    (subscription,) = app.resources(OPTIONS, "AWS::SNS::Subscription").values()
    assert subscription["Properties"]["Endpoint"] == "ops@example.com"
    latency = [
        a
        for a in app.resources(OPTIONS, "AWS::CloudWatch::Alarm").values()
        if a["Properties"]["MetricName"] == "TargetResponseTime"
    ]
    assert latency[0]["Properties"]["Threshold"] == 0.8
    listeners = sorted(
        p["Properties"]["Port"] for p in app.resources(OPTIONS, "AWS::ElasticLoadBalancingV2::Listener").values()
    )
    assert listeners == [80, 443]
    app.template(OPTIONS).resource_count_is("AWS::WAFv2::WebACLAssociation", 1)


def test_pattern_tag(app: Synthesized) -> None:
    for resource_type in ("AWS::AutoScaling::AutoScalingGroup", "AWS::ElasticLoadBalancingV2::LoadBalancer"):
        for resource in app.resources(DEFAULTS, resource_type).values():
            tags = {t["Key"]: t["Value"] for t in resource["Properties"]["Tags"]}
            assert tags["Pattern"] == "web-tier"
