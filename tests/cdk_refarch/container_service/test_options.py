"""ContainerService's defaults and options, on the variants of variants.py (synthesized
once per module, cdk-nag as a validation plugin)."""

from __future__ import annotations

from typing import Any

import pytest

from cdk_refarch.container_service import DEFAULT_IMAGE, ContainerService
from tests.cdk_refarch.container_service.variants import (
    ALB_GROUP,
    API_SECRET,
    DB_SECRET,
    DEFAULTS,
    FLAG_PARAMETER,
    LISTENER_ARN,
    OPTIONS,
    SHARED,
    build,
)
from tests.quality.test_gates import lint_findings
from tests.synthesis import Synthesized, synthesize


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(tmp_path_factory.mktemp("container-service"), build)


def _props(app: Synthesized, stack: str, resource_type: str, prefix: str = "") -> dict[str, Any]:
    _, resource = app.only(stack, resource_type, prefix)
    return resource["Properties"]


def _all(app: Synthesized, stack: str, resource_type: str) -> list[dict[str, Any]]:
    return [resource["Properties"] for resource in app.resources(stack, resource_type).values()]


def _container(app: Synthesized, stack: str) -> dict[str, Any]:
    (container,) = _props(app, stack, "AWS::ECS::TaskDefinition")["ContainerDefinitions"]
    return container


def _statements(app: Synthesized, stack: str, role_prefix: str) -> list[dict[str, Any]]:
    policy = _props(app, stack, "AWS::IAM::Policy", role_prefix)
    return policy["PolicyDocument"]["Statement"]


def _service(app: Synthesized, stack: str) -> ContainerService:
    found = app.stacks[stack].node.find_child({DEFAULTS: "Web", OPTIONS: "Shop", SHARED: "Api"}[stack])
    assert isinstance(found, ContainerService)
    return found


@pytest.mark.parametrize("stack", [DEFAULTS, OPTIONS, SHARED])
def test_nag_lint_and_warnings_are_clean(app: Synthesized, stack: str) -> None:
    assert app.violations_of(stack) == []
    assert lint_findings(app, stack) == []
    assert app.warnings_of(stack) == []


# Defaults.


def test_cluster_has_container_insights_and_no_exec(app: Synthesized) -> None:
    cluster = _props(app, DEFAULTS, "AWS::ECS::Cluster")
    assert cluster["ClusterSettings"] == [{"Name": "containerInsights", "Value": "enabled"}]
    assert "Configuration" not in cluster


def test_task_is_the_smallest_arm64_fargate_size(app: Synthesized) -> None:
    task = _props(app, DEFAULTS, "AWS::ECS::TaskDefinition")
    assert (task["Cpu"], task["Memory"]) == ("256", "512")
    assert task["RuntimePlatform"] == {"CpuArchitecture": "ARM64", "OperatingSystemFamily": "LINUX"}
    assert task["RequiresCompatibilities"] == ["FARGATE"]
    assert "EphemeralStorage" not in task and "Volumes" not in task


def test_container_defaults(app: Synthesized) -> None:
    container = _container(app, DEFAULTS)
    assert container["Image"] == DEFAULT_IMAGE == "public.ecr.aws/nginx/nginx-unprivileged:1.29.3-alpine"
    assert container["PortMappings"] == [{"ContainerPort": 8080, "Name": "http", "Protocol": "tcp"}]
    assert container["ReadonlyRootFilesystem"] is True
    assert container["LinuxParameters"]["Tmpfs"] == [
        {"ContainerPath": "/tmp", "MountOptions": ["rw", "noexec", "nosuid", "nodev"], "Size": 64}
    ]
    assert "InitProcessEnabled" not in container["LinuxParameters"]
    for absent in ("Environment", "Secrets", "MountPoints", "User"):
        assert absent not in container


def test_logs_go_to_an_own_log_group_without_blocking(app: Synthesized) -> None:
    logical_id, group = app.only(DEFAULTS, "AWS::Logs::LogGroup")
    assert group["Properties"]["RetentionInDays"] == 365
    assert group["DeletionPolicy"] == "Retain"
    options = _container(app, DEFAULTS)["LogConfiguration"]
    assert options["LogDriver"] == "awslogs"
    assert options["Options"]["awslogs-group"] == {"Ref": logical_id}
    assert options["Options"]["mode"] == "non-blocking"
    assert options["Options"]["max-buffer-size"] == "26214400b"


def test_task_role_is_separate_empty_and_guarded(app: Synthesized) -> None:
    task = _props(app, DEFAULTS, "AWS::ECS::TaskDefinition")
    task_role, execution_role = task["TaskRoleArn"]["Fn::GetAtt"][0], task["ExecutionRoleArn"]["Fn::GetAtt"][0]
    assert task_role != execution_role
    roles = app.resources(DEFAULTS, "AWS::IAM::Role")
    (trust,) = roles[task_role]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
    assert set(trust["Condition"]) == {"StringEquals", "ArnLike"}
    assert "aws:SourceAccount" in trust["Condition"]["StringEquals"]
    # Nothing is granted to the app's code: the only policy is the execution role's.
    (policy,) = _all(app, DEFAULTS, "AWS::IAM::Policy")
    assert policy["Roles"] == [{"Ref": execution_role}]
    for role in roles.values():
        assert "ManagedPolicyArns" not in role["Properties"]


def test_execution_role_writes_only_its_log_group(app: Synthesized) -> None:
    log_group, _ = app.only(DEFAULTS, "AWS::Logs::LogGroup")
    assert _statements(app, DEFAULTS, "WebExecutionRole") == [
        {
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [log_group, "Arn"]},
        }
    ]


def test_service_defaults(app: Synthesized) -> None:
    service = _props(app, DEFAULTS, "AWS::ECS::Service")
    assert (service["LaunchType"], service["PlatformVersion"]) == ("FARGATE", "LATEST")
    network = service["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["AssignPublicIp"] == "DISABLED"
    assert network["Subnets"] == ["subnet-0c00000000000000c", "subnet-0d00000000000000d"]  # the private ones
    assert service["DeploymentConfiguration"] == {
        "DeploymentCircuitBreaker": {"Enable": True, "Rollback": True},
        "MaximumPercent": 200,
        "MinimumHealthyPercent": 100,
    }
    assert service["HealthCheckGracePeriodSeconds"] == 60
    assert service["EnableExecuteCommand"] is False
    assert "DesiredCount" not in service  # equal to the minimum: auto scaling sets it
    assert (service["PropagateTags"], service["EnableECSManagedTags"]) == ("SERVICE", True)
    assert service["AvailabilityZoneRebalancing"] == "ENABLED"


def test_security_groups_chain_the_load_balancer_to_the_container_port(app: Synthesized) -> None:
    groups = app.resources(DEFAULTS, "AWS::EC2::SecurityGroup")
    (tasks,) = [k for k, g in groups.items() if g["Properties"]["GroupDescription"].startswith("Container service")]
    (alb,) = [k for k, g in groups.items() if g["Properties"]["GroupDescription"].startswith("Load balancer")]
    assert "SecurityGroupIngress" not in groups[tasks]["Properties"]
    assert groups[tasks]["Properties"]["SecurityGroupEgress"] == [
        {
            "CidrIp": "0.0.0.0/0",
            "Description": "HTTPS: image pulls, logs, secrets, ECS Exec",
            "FromPort": 443,
            "IpProtocol": "tcp",
            "ToPort": 443,
        }
    ]
    (ingress,) = _all(app, DEFAULTS, "AWS::EC2::SecurityGroupIngress")
    assert ingress["GroupId"] == {"Fn::GetAtt": [tasks, "GroupId"]}
    assert ingress["SourceSecurityGroupId"] == {"Fn::GetAtt": [alb, "GroupId"]}
    assert (ingress["FromPort"], ingress["ToPort"]) == (8080, 8080)
    (egress,) = _all(app, DEFAULTS, "AWS::EC2::SecurityGroupEgress")
    assert egress["DestinationSecurityGroupId"] == {"Fn::GetAtt": [tasks, "GroupId"]}
    assert (egress["FromPort"], egress["ToPort"]) == (8080, 8080)


def test_target_group_of_task_ips_with_the_health_check(app: Synthesized) -> None:
    group = _props(app, DEFAULTS, "AWS::ElasticLoadBalancingV2::TargetGroup")
    assert (group["TargetType"], group["Protocol"], group["Port"]) == ("ip", "HTTP", 8080)
    assert group["HealthCheckPath"] == "/"
    assert (group["HealthCheckIntervalSeconds"], group["HealthCheckTimeoutSeconds"]) == (15, 5)
    assert (group["HealthyThresholdCount"], group["UnhealthyThresholdCount"]) == (2, 3)
    assert group["Matcher"] == {"HttpCode": "200"}
    attributes = {a["Key"]: a["Value"] for a in group["TargetGroupAttributes"]}
    assert attributes["deregistration_delay.timeout_seconds"] == "30"
    target_group, _ = app.only(DEFAULTS, "AWS::ElasticLoadBalancingV2::TargetGroup")
    listener = _props(app, DEFAULTS, "AWS::ElasticLoadBalancingV2::Listener")
    assert (listener["Port"], listener["Protocol"]) == (80, "HTTP")  # plain HTTP, as asked
    assert listener["DefaultActions"] == [{"TargetGroupArn": {"Ref": target_group}, "Type": "forward"}]


def test_load_balancer_logs_to_a_created_bucket(app: Synthesized) -> None:
    balancer = _props(app, DEFAULTS, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    attributes = {a["Key"]: a["Value"] for a in balancer["LoadBalancerAttributes"]}
    bucket, _ = app.only(DEFAULTS, "AWS::S3::Bucket")
    assert attributes["access_logs.s3.enabled"] == "true"
    assert attributes["access_logs.s3.bucket"] == {"Ref": bucket}
    assert attributes["deletion_protection.enabled"] == "false"


def test_scaling_on_cpu_between_two_and_four_tasks(app: Synthesized) -> None:
    target = _props(app, DEFAULTS, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 4)
    (policy,) = _all(app, DEFAULTS, "AWS::ApplicationAutoScaling::ScalingPolicy")
    tracking = policy["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["PredefinedMetricSpecification"] == {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}
    assert (tracking["TargetValue"], tracking["ScaleInCooldown"], tracking["ScaleOutCooldown"]) == (70, 300, 60)


def test_alarms_as_a_load_balanced_tier_plus_running_tasks(app: Synthesized) -> None:
    alarms = {alarm["AlarmDescription"]: alarm for alarm in _all(app, DEFAULTS, "AWS::CloudWatch::Alarm")}
    assert sorted(alarms) == [
        "A target failed the load balancer's health check",
        "Fewer tasks running than desired for 5 minutes",
        "Targets answered more than 5 5xx in 5 minutes",
        "The load balancer answered more than 5 5xx in 5 minutes",
        "p99 target response time above 2000 ms over 5 minutes",
    ]
    running = alarms["Fewer tasks running than desired for 5 minutes"]
    # No Container Insights data for the service means no task runs at all.
    assert (running["TreatMissingData"], running["EvaluationPeriods"], running["Threshold"]) == ("breaching", 5, 0)
    expression = next(metric for metric in running["Metrics"] if "Expression" in metric)
    assert expression["Expression"] == "desired - running"
    names = {m["MetricStat"]["Metric"]["MetricName"] for m in running["Metrics"] if "MetricStat" in m}
    assert names == {"DesiredTaskCount", "RunningTaskCount"}
    topic, _ = app.only(DEFAULTS, "AWS::SNS::Topic")
    assert all(alarm["AlarmActions"] == [{"Ref": topic}] for alarm in alarms.values())
    assert _props(app, DEFAULTS, "AWS::SNS::Topic")["KmsMasterKeyId"]


def test_every_resource_is_tagged_with_the_pattern(app: Synthesized) -> None:
    for resource_type in ("AWS::ECS::Service", "AWS::ECS::Cluster", "AWS::ECS::TaskDefinition", "AWS::IAM::Role"):
        for props in _all(app, DEFAULTS, resource_type):
            assert {"Key": "Pattern", "Value": "container-service"} in props["Tags"]


def test_attributes(app: Synthesized) -> None:
    service = _service(app, DEFAULTS)
    assert service.front_door is not None and service.log_bucket is not None
    assert service.url == service.front_door.url and service.url.startswith("http://")
    assert service.exec_key is None and service.exec_log_group is None
    assert len(service.alarms) == 5
    assert service.container.container_name == "app"


# HTTPS with a domain and a WAF, ECS Exec, secrets, request scaling, and every number changed.


def test_https_front_door_with_domain_and_waf(app: Synthesized) -> None:
    listeners = {p["Port"]: p for p in _all(app, OPTIONS, "AWS::ElasticLoadBalancingV2::Listener")}
    assert listeners[443]["Protocol"] == "HTTPS"
    assert listeners[80]["DefaultActions"][0]["Type"] == "redirect"
    balancer, _ = app.only(OPTIONS, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert _props(app, OPTIONS, "AWS::WAFv2::WebACLAssociation")["ResourceArn"] == {"Ref": balancer}
    assert _props(app, OPTIONS, "AWS::Route53::RecordSet")["Name"] == "shop.example.com."
    assert _props(app, OPTIONS, "AWS::CertificateManager::Certificate")["DomainName"] == "shop.example.com"
    attributes = {
        a["Key"]: a["Value"]
        for a in _props(app, OPTIONS, "AWS::ElasticLoadBalancingV2::LoadBalancer")["LoadBalancerAttributes"]
    }
    assert attributes["deletion_protection.enabled"] == "true"
    assert _service(app, OPTIONS).url == "https://shop.example.com"


def test_ecs_exec_encrypted_and_logged(app: Synthesized) -> None:
    key, _ = app.only(OPTIONS, "AWS::KMS::Key", "ShopExecKey")
    logs, group = app.only(OPTIONS, "AWS::Logs::LogGroup", "ShopExecLogs")
    assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
    assert app.resources(OPTIONS, "AWS::KMS::Key")[key]["Properties"]["EnableKeyRotation"] is True
    configuration = _props(app, OPTIONS, "AWS::ECS::Cluster")["Configuration"]["ExecuteCommandConfiguration"]
    assert configuration == {
        "KmsKeyId": {"Fn::GetAtt": [key, "Arn"]},
        "LogConfiguration": {"CloudWatchEncryptionEnabled": True, "CloudWatchLogGroupName": {"Ref": logs}},
        "Logging": "OVERRIDE",
    }
    assert _props(app, OPTIONS, "AWS::ECS::Service")["EnableExecuteCommand"] is True
    actions = {action for s in _statements(app, OPTIONS, "ShopTaskRole") for action in s["Action"]}
    assert actions == {
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
        "logs:DescribeLogGroups",
        "logs:CreateLogStream",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
        "kms:Decrypt",
        "kms:GenerateDataKey",
    }
    container = _container(app, OPTIONS)
    assert container["LinuxParameters"]["InitProcessEnabled"] is True
    # The SSM agent needs these writable on a read-only root filesystem.
    assert [m["ContainerPath"] for m in container["MountPoints"]] == ["/var/lib/amazon", "/var/log/amazon"]
    task = _props(app, OPTIONS, "AWS::ECS::TaskDefinition")
    assert task["Volumes"] == [{"Name": "ExecAgentState"}, {"Name": "ExecAgentLogs"}]


def test_secrets_come_from_their_arns_and_only_they_are_readable(app: Synthesized) -> None:
    container = _container(app, OPTIONS)
    assert container["Secrets"] == [
        {"Name": "DB_PASSWORD", "ValueFrom": DB_SECRET},
        {"Name": "API_KEY", "ValueFrom": API_SECRET},
        {"Name": "SIGNING_TOKEN", "ValueFrom": FLAG_PARAMETER},
        {"Name": "DB_USER", "ValueFrom": f"{DB_SECRET}:username::"},
    ]
    assert container["Environment"] == [{"Name": "FEATURE_FLAGS", "Value": "checkout"}]
    by_action = {
        s["Action"][0] if isinstance(s["Action"], list) else s["Action"]: s
        for s in _statements(app, OPTIONS, "ShopExecutionRole")
    }
    # A complete ARN exactly; a partial one with Secrets Manager's six-character suffix.
    assert sorted(by_action["secretsmanager:DescribeSecret"]["Resource"]) == [f"{API_SECRET}-??????", DB_SECRET]
    assert by_action["ssm:DescribeParameters"]["Resource"] == FLAG_PARAMETER


def test_private_ecr_image_by_digest_pulled_from_that_repository_only(app: Synthesized) -> None:
    image = _container(app, OPTIONS)["Image"]
    assert image["Fn::Join"][1][-1] == "/shop/web@sha256:" + "ab" * 32
    statements = _statements(app, OPTIONS, "ShopExecutionRole")
    pull = next(s for s in statements if "ecr:BatchGetImage" in s["Action"])
    assert pull["Resource"] == "arn:aws:ecr:eu-west-1:111111111111:repository/shop/web"
    token = next(s for s in statements if s["Action"] == "ecr:GetAuthorizationToken")
    assert token["Resource"] == "*"


def test_task_size_scratch_and_numbers(app: Synthesized) -> None:
    task = _props(app, OPTIONS, "AWS::ECS::TaskDefinition")
    assert (task["Cpu"], task["Memory"], task["EphemeralStorage"]) == ("1024", "3072", {"SizeInGiB": 30})
    container = _container(app, OPTIONS)
    assert container["LinuxParameters"]["Tmpfs"][0]["ContainerPath"] == "/app/cache"
    assert container["LinuxParameters"]["Tmpfs"][0]["Size"] == 256
    assert container["PortMappings"][0]["ContainerPort"] == 3000
    service = _props(app, OPTIONS, "AWS::ECS::Service")
    assert service["DesiredCount"] == 3
    assert service["DeploymentConfiguration"]["MinimumHealthyPercent"] == 50
    assert service["DeploymentConfiguration"]["MaximumPercent"] == 150
    assert service["HealthCheckGracePeriodSeconds"] == 120
    group = _props(app, OPTIONS, "AWS::ElasticLoadBalancingV2::TargetGroup")
    assert (group["HealthCheckPath"], group["HealthCheckIntervalSeconds"], group["HealthCheckTimeoutSeconds"]) == (
        "/healthz",
        10,
        4,
    )
    target = _props(app, OPTIONS, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 8)


def test_request_count_scaling(app: Synthesized) -> None:
    policies = {
        p["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]["PredefinedMetricType"]: p
        for p in _all(app, OPTIONS, "AWS::ApplicationAutoScaling::ScalingPolicy")
    }
    assert policies["ECSServiceAverageCPUUtilization"]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 60
    requests = policies["ALBRequestCountPerTarget"]["TargetTrackingScalingPolicyConfiguration"]
    assert requests["TargetValue"] == 400
    assert "ResourceLabel" in requests["PredefinedMetricSpecification"]


def test_alarm_options_and_log_retention(app: Synthesized) -> None:
    alarms = {
        alarm["MetricName"]: alarm for alarm in _all(app, OPTIONS, "AWS::CloudWatch::Alarm") if "MetricName" in alarm
    }
    assert alarms["TargetResponseTime"]["Threshold"] == 0.8
    assert alarms["HTTPCode_Target_5XX_Count"]["Threshold"] == 20
    assert _props(app, OPTIONS, "AWS::SNS::Subscription")["Endpoint"] == "ops@example.com"
    _, group = app.only(OPTIONS, "AWS::Logs::LogGroup", "ShopLogs")
    assert group["Properties"]["RetentionInDays"] == 30
    assert group["DeletionPolicy"] == "Delete"


# Behind an existing listener, with an image built from a folder.


def test_existing_listener_gets_a_rule_and_no_load_balancer_is_created(app: Synthesized) -> None:
    for absent in ("LoadBalancer", "Listener"):
        assert app.resources(SHARED, f"AWS::ElasticLoadBalancingV2::{absent}") == {}
    rule = _props(app, SHARED, "AWS::ElasticLoadBalancingV2::ListenerRule")
    target_group, _ = app.only(SHARED, "AWS::ElasticLoadBalancingV2::TargetGroup")
    assert rule["ListenerArn"] == LISTENER_ARN and rule["Priority"] == 20
    assert rule["Actions"] == [{"TargetGroupArn": {"Ref": target_group}, "Type": "forward"}]
    assert rule["Conditions"] == [
        {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/api/*"]}},
        {"Field": "host-header", "HostHeaderConfig": {"Values": ["shop.example.com"]}},
    ]
    service = _service(app, SHARED)
    assert service.front_door is None and service.url is None and service.log_bucket is None


def test_existing_listener_adds_no_open_ingress(app: Synthesized) -> None:
    (group,) = _all(app, SHARED, "AWS::EC2::SecurityGroup")
    assert "SecurityGroupIngress" not in group
    (ingress,) = _all(app, SHARED, "AWS::EC2::SecurityGroupIngress")
    assert ingress["SourceSecurityGroupId"] == ALB_GROUP
    assert (ingress["FromPort"], ingress["ToPort"]) == (8080, 8080)
    assert "CidrIp" not in ingress
    # Asked for: every outbound connection.
    assert group["SecurityGroupEgress"][0]["IpProtocol"] == "-1"


def test_asset_image_and_writable_root(app: Synthesized) -> None:
    container = _container(app, SHARED)
    assert "container-assets" in container["Image"]["Fn::Sub"]
    assert container["ReadonlyRootFilesystem"] is False
    assert "Tmpfs" not in container["LinuxParameters"]
    pull = next(s for s in _statements(app, SHARED, "ApiExecutionRole") if "ecr:BatchGetImage" in s["Action"])
    assert "container-assets" in str(pull["Resource"])


def test_circuit_breaker_off_and_alarms_to_the_given_topic(app: Synthesized) -> None:
    assert "DeploymentCircuitBreaker" not in _props(app, SHARED, "AWS::ECS::Service")["DeploymentConfiguration"]
    alarms = _all(app, SHARED, "AWS::CloudWatch::Alarm")
    assert len(alarms) == 4  # the load balancer's own 5xx belongs to its owner
    topic, _ = app.only(SHARED, "AWS::SNS::Topic")
    assert all(alarm["AlarmActions"] == [{"Ref": topic}] for alarm in alarms)
    unhealthy = next(a for a in alarms if a.get("MetricName") == "UnHealthyHostCount")
    dimensions = {d["Name"]: d["Value"] for d in unhealthy["Dimensions"]}
    assert dimensions["LoadBalancer"] == "app/shared/0123456789abcdef"
    # No alarm key: the given topic has its own.
    assert [key[: len("TopicKey")] for key in app.resources(SHARED, "AWS::KMS::Key")] == ["TopicKey"]
