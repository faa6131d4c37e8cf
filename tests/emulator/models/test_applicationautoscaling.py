"""Application Auto Scaling of an ECS service's task count, shaped as CDK emits it for
ContainerService (``auto_scale_task_count``, ``scale_on_cpu_utilization``,
``scale_on_request_count``)."""

from __future__ import annotations

from typing import Any

from tests.emulator.conftest import Cloud
from tests.emulator.models.test_ecs import CLUSTER, container_service
from tests.emulator.models.test_elbv2 import request_count_label

TARGET: dict[str, Any] = {
    "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
    "Properties": {
        "MaxCapacity": 4,
        "MinCapacity": 2,
        "ResourceId": {"Fn::Join": ["", ["service/", {"Ref": "Cluster"}, "/", {"Fn::GetAtt": ["Service", "Name"]}]]},
        "RoleARN": {
            "Fn::Join": [
                "",
                [
                    "arn:",
                    {"Ref": "AWS::Partition"},
                    ":iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
                    "AWSServiceRoleForApplicationAutoScaling_ECSService",
                ],
            ]
        },
        "ScalableDimension": "ecs:service:DesiredCount",
        "ServiceNamespace": "ecs",
    },
}
CPU_POLICY: dict[str, Any] = {
    "Type": "AWS::ApplicationAutoScaling::ScalingPolicy",
    "Properties": {
        "PolicyName": "StackServiceTaskCountTargetCpu",
        "PolicyType": "TargetTrackingScaling",
        "ScalingTargetId": {"Ref": "TaskCount"},
        "TargetTrackingScalingPolicyConfiguration": {
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
            "TargetValue": 70,
        },
    },
}
REQUEST_POLICY: dict[str, Any] = {
    "Type": "AWS::ApplicationAutoScaling::ScalingPolicy",
    "Properties": {
        "PolicyName": "StackServiceTaskCountTargetRequests",
        "PolicyType": "TargetTrackingScaling",
        "ScalingTargetId": {"Ref": "TaskCount"},
        "TargetTrackingScalingPolicyConfiguration": {
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "ALBRequestCountPerTarget",
                "ResourceLabel": request_count_label("Listener", "Targets"),
            },
            "TargetValue": 1000,
        },
    },
}


def test_an_ecs_service_scales_its_task_count_on_cpu_and_on_requests(cloud: Cloud) -> None:
    stack = cloud.deploy(
        container_service(TaskCount=TARGET, CpuScaling=CPU_POLICY, RequestScaling=REQUEST_POLICY),
        outputs={
            "TargetId": {"Value": {"Ref": "TaskCount"}},
            "CpuArn": {"Value": {"Fn::GetAtt": ["CpuScaling", "Arn"]}},
        },
    )
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    scaling = cloud.client("application-autoscaling")
    cluster = cloud.physical_id("Cluster")
    service = cloud.client("ecs").describe_services(cluster=cluster, services=[cloud.physical_id("Service")])
    resource_id = f"service/{cluster}/{service['services'][0]['serviceName']}"

    target = scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"][0]
    assert (target["ResourceId"], target["ScalableDimension"]) == (resource_id, "ecs:service:DesiredCount")
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 4)
    assert target["RoleARN"].endswith("/AWSServiceRoleForApplicationAutoScaling_ECSService")
    assert cloud.outputs(stack)["TargetId"] == f"{resource_id}|ecs:service:DesiredCount|ecs"

    policies = {
        policy["PolicyName"]: policy
        for policy in scaling.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=resource_id)[
            "ScalingPolicies"
        ]
    }
    cpu = policies["StackServiceTaskCountTargetCpu"]
    assert cpu["PolicyARN"] == cloud.physical_id("CpuScaling") == cloud.outputs(stack)["CpuArn"]
    assert cpu["PolicyType"] == "TargetTrackingScaling"
    assert cpu["TargetTrackingScalingPolicyConfiguration"] == {
        "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
        "TargetValue": 70.0,
    }
    balancer = cloud.physical_id("LoadBalancer").split(":loadbalancer/")[1]
    requests = policies["StackServiceTaskCountTargetRequests"]["TargetTrackingScalingPolicyConfiguration"]
    assert requests["PredefinedMetricSpecification"] == {
        "PredefinedMetricType": "ALBRequestCountPerTarget",
        "ResourceLabel": f"{balancer}/{cloud.physical_id('Targets').split(':')[-1]}",
    }
    # Target tracking keeps its own CloudWatch alarms, as in AWS.
    cloudwatch = cloud.client("cloudwatch")
    assert any(
        alarm["AlarmName"].startswith("TargetTracking-") for alarm in cloudwatch.describe_alarms()["MetricAlarms"]
    )

    assert cloud.delete() == "DELETE_COMPLETE"
    assert scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"] == []
    assert scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"] == []
    assert not any(a["AlarmName"].startswith("TargetTracking-") for a in cloudwatch.describe_alarms()["MetricAlarms"])


def test_a_scalable_target_needs_its_service_and_a_policy_its_target(cloud: Cloud) -> None:
    missing = {
        **TARGET,
        "Properties": {
            **TARGET["Properties"],
            "ResourceId": {"Fn::Join": ["/", ["service", {"Ref": "Cluster"}, "none"]]},
        },
    }
    stack = cloud.deploy({"Cluster": CLUSTER, "TaskCount": missing}, name="target")
    assert stack["StackStatus"] == "CREATE_FAILED"
    assert "ECS service doesn't exist" in cloud.events("target")["TaskCount"][1]

    unregistered = {
        **CPU_POLICY,
        "Properties": {**CPU_POLICY["Properties"], "ScalingTargetId": "service/c/s|ecs:service:DesiredCount|ecs"},
    }
    assert cloud.deploy({"CpuScaling": unregistered}, name="policy")["StackStatus"] == "CREATE_FAILED"
    assert "No scalable target registered" in cloud.events("policy")["CpuScaling"][1]
