"""Auto Scaling groups launched from a launch template behind an ALB, and their target
tracking policies, shaped as CDK emits them for WebTier."""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.emulator.conftest import Cloud
from tests.emulator.models.test_elbv2 import SUBNETS, front_door, request_count_label

AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64"
PARAMETERS = {
    # CDK's MachineImage.latest_amazon_linux2023(): the image ID is resolved from SSM.
    "Ami": {"Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", "Default": AMI_PARAMETER},
}
INSTANCES: dict[str, Any] = {
    "InstanceGroup": {
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {"GroupDescription": "instances", "VpcId": {"Ref": "Vpc"}},
    },
    "Role": {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ],
            }
        },
    },
    "Profile": {"Type": "AWS::IAM::InstanceProfile", "Properties": {"Roles": [{"Ref": "Role"}]}},
    "LaunchTemplate": {
        "Type": "AWS::EC2::LaunchTemplate",
        "Properties": {
            "LaunchTemplateData": {
                "BlockDeviceMappings": [
                    {
                        "DeviceName": "/dev/xvda",
                        "Ebs": {"DeleteOnTermination": True, "Encrypted": True, "VolumeSize": 8, "VolumeType": "gp3"},
                    }
                ],
                "IamInstanceProfile": {"Arn": {"Fn::GetAtt": ["Profile", "Arn"]}},
                "ImageId": {"Ref": "Ami"},
                "InstanceType": "t4g.micro",
                "MetadataOptions": {
                    "HttpPutResponseHopLimit": 1,
                    "HttpTokens": "required",
                    "InstanceMetadataTags": "disabled",
                },
                "Monitoring": {"Enabled": True},
                "SecurityGroupIds": [{"Fn::GetAtt": ["InstanceGroup", "GroupId"]}],
                "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "Web/Instance"}]}],
                "UserData": {"Fn::Base64": "#!/bin/bash\nset -euo pipefail"},
            },
            "TagSpecifications": [
                {"ResourceType": "launch-template", "Tags": [{"Key": "Name", "Value": "Web/LaunchTemplate"}]}
            ],
        },
        "DependsOn": ["Role"],
    },
}
GROUP: dict[str, Any] = {
    "Type": "AWS::AutoScaling::AutoScalingGroup",
    "Properties": {
        "CapacityRebalance": True,
        "DesiredCapacity": "2",
        "HealthCheckGracePeriod": 300,
        "HealthCheckType": "ELB",
        "LaunchTemplate": {
            "LaunchTemplateId": {"Ref": "LaunchTemplate"},
            "Version": {"Fn::GetAtt": ["LaunchTemplate", "LatestVersionNumber"]},
        },
        "MaxSize": "2",
        "MetricsCollection": [{"Granularity": "1Minute"}],
        "MinSize": "1",
        "Tags": [{"Key": "Pattern", "PropagateAtLaunch": True, "Value": "web-tier"}],
        "TargetGroupARNs": [{"Ref": "Targets"}],
        "VPCZoneIdentifier": SUBNETS,
    },
    "UpdatePolicy": {
        "AutoScalingRollingUpdate": {
            "MinInstancesInService": 1,
            "SuspendProcesses": ["HealthCheck", "ReplaceUnhealthy", "AZRebalance", "AlarmNotification"],
            "PauseTime": "PT5M",
        },
        "AutoScalingScheduledAction": {"IgnoreUnmodifiedGroupSizeProperties": True},
    },
}
CPU_POLICY: dict[str, Any] = {
    "Type": "AWS::AutoScaling::ScalingPolicy",
    "Properties": {
        "AutoScalingGroupName": {"Ref": "Group"},
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingConfiguration": {
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ASGAverageCPUUtilization"},
            "TargetValue": 70,
        },
    },
}
REQUEST_POLICY: dict[str, Any] = {
    "Type": "AWS::AutoScaling::ScalingPolicy",
    "Properties": {
        "AutoScalingGroupName": {"Ref": "Group"},
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingConfiguration": {
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "ALBRequestCountPerTarget",
                "ResourceLabel": request_count_label("Listener", "Targets"),
            },
            "TargetValue": 1000,
        },
    },
    "DependsOn": ["Listener", "Targets"],
}


def deploy(
    cloud: Cloud, resources: dict[str, Any], outputs: dict[str, Any] | None = None, name: str = "stack"
) -> dict[str, Any]:
    """``cloud.deploy`` with the template's SSM parameter."""
    template = {"Parameters": PARAMETERS, "Resources": resources, "Outputs": outputs or {}}
    cloudformation = cloud.client("cloudformation")
    cloudformation.create_stack(StackName=name, TemplateBody=json.dumps(template))
    return dict(cloudformation.describe_stacks(StackName=name)["Stacks"][0])


def web_tier(**resources: Any) -> dict[str, Any]:
    return {**front_door("instance"), **INSTANCES, "Group": GROUP, **resources}


def test_the_launch_template_keeps_what_cdk_sets_and_its_version_reaches_the_group(cloud: Cloud) -> None:
    stack = deploy(
        cloud, web_tier(), outputs={"Version": {"Value": {"Fn::GetAtt": ["LaunchTemplate", "LatestVersionNumber"]}}}
    )
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    ec2, template_id = cloud.client("ec2"), cloud.physical_id("LaunchTemplate")
    image = cloud.client("ssm").get_parameter(Name=AMI_PARAMETER)["Parameter"]["Value"]

    version = ec2.describe_launch_template_versions(LaunchTemplateId=template_id)["LaunchTemplateVersions"][0]
    data = version["LaunchTemplateData"]
    assert (version["VersionNumber"], data["ImageId"], data["InstanceType"]) == (1, image, "t4g.micro")
    assert data["MetadataOptions"] == {
        "HttpTokens": "required",
        "HttpPutResponseHopLimit": 1,
        "InstanceMetadataTags": "disabled",
    }
    assert data["BlockDeviceMappings"] == [
        {
            "DeviceName": "/dev/xvda",
            "Ebs": {"DeleteOnTermination": True, "Encrypted": True, "VolumeSize": 8, "VolumeType": "gp3"},
        }
    ]
    assert data["Monitoring"] == {"Enabled": True}
    assert data["IamInstanceProfile"]["Arn"].endswith(f"instance-profile/{cloud.physical_id('Profile')}")
    assert data["SecurityGroupIds"] == [cloud.physical_id("InstanceGroup")]
    assert base64.b64decode(data["UserData"]).decode() == "#!/bin/bash\nset -euo pipefail"
    template = ec2.describe_launch_templates(LaunchTemplateIds=[template_id])["LaunchTemplates"][0]
    assert {"Key": "Name", "Value": "Web/LaunchTemplate"} in template["Tags"]

    assert cloud.outputs(stack)["Version"] == "1"
    group = cloud.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"][0]
    assert group["LaunchTemplate"] == {
        "LaunchTemplateId": template_id,
        "LaunchTemplateName": template["LaunchTemplateName"],
        "Version": "1",
    }

    assert cloud.delete() == "DELETE_COMPLETE"
    assert ec2.describe_launch_templates()["LaunchTemplates"] == []


def test_a_group_keeps_what_moto_drops_and_registers_its_instances(cloud: Cloud) -> None:
    deploy(cloud, web_tier())
    autoscaling, name = cloud.client("autoscaling"), cloud.physical_id("Group")
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
    assert (group["MinSize"], group["MaxSize"], group["DesiredCapacity"]) == (1, 2, 2)
    assert (group["HealthCheckType"], group["HealthCheckGracePeriod"]) == ("ELB", 300)
    assert group["CapacityRebalance"] is True
    assert {m["Metric"] for m in group["EnabledMetrics"]} >= {"GroupInServiceInstances", "GroupDesiredCapacity"}
    assert {m["Granularity"] for m in group["EnabledMetrics"]} == {"1Minute"}
    assert set(group["VPCZoneIdentifier"].split(",")) == {cloud.physical_id("SubnetA"), cloud.physical_id("SubnetB")}
    targets = cloud.physical_id("Targets")
    assert group["TargetGroupARNs"] == [targets]
    assert {"Key": "Pattern", "Value": "web-tier", "PropagateAtLaunch": True}.items() <= group["Tags"][0].items()
    ids = sorted(instance["InstanceId"] for instance in group["Instances"])
    assert len(ids) == 2 and {i["LifecycleState"] for i in group["Instances"]} == {"InService"}

    health = cloud.client("elbv2").describe_target_health(TargetGroupArn=targets)["TargetHealthDescriptions"]
    assert sorted(t["Target"]["Id"] for t in health) == ids


def test_the_instances_get_the_launch_template_settings(cloud: Cloud) -> None:
    deploy(cloud, web_tier())
    reservations = cloud.client("ec2").describe_instances(
        Filters=[{"Name": "tag:aws:autoscaling:groupName", "Values": [cloud.physical_id("Group")]}]
    )["Reservations"]
    instances = [instance for reservation in reservations for instance in reservation["Instances"]]
    assert len(instances) == 2
    for instance in instances:
        assert instance["MetadataOptions"]["HttpTokens"] == "required"
        assert instance["MetadataOptions"]["HttpPutResponseHopLimit"] == 1
        assert instance["IamInstanceProfile"]["Arn"].endswith(f"instance-profile/{cloud.physical_id('Profile')}")
        assert instance["Monitoring"]["State"] == "enabled"
        assert [group["GroupId"] for group in instance["SecurityGroups"]] == [cloud.physical_id("InstanceGroup")]
        assert {"Key": "Pattern", "Value": "web-tier"} in instance["Tags"]


def test_target_tracking_policies_on_cpu_and_on_requests_per_target(cloud: Cloud) -> None:
    stack = deploy(
        cloud,
        web_tier(CpuScaling=CPU_POLICY, RequestScaling=REQUEST_POLICY),
        outputs={
            "CpuArn": {"Value": {"Ref": "CpuScaling"}},
            "CpuName": {"Value": {"Fn::GetAtt": ["CpuScaling", "PolicyName"]}},
        },
    )
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    autoscaling, name = cloud.client("autoscaling"), cloud.physical_id("Group")
    policies = {
        policy["PolicyARN"]: policy
        for policy in autoscaling.describe_policies(AutoScalingGroupName=name)["ScalingPolicies"]
    }
    cpu = policies[cloud.physical_id("CpuScaling")]
    assert cpu["PolicyType"] == "TargetTrackingScaling"
    assert cpu["TargetTrackingConfiguration"] == {
        "PredefinedMetricSpecification": {"PredefinedMetricType": "ASGAverageCPUUtilization"},
        "TargetValue": 70.0,
    }
    assert cloud.outputs(stack) == {"CpuArn": cpu["PolicyARN"], "CpuName": cpu["PolicyName"]}
    requests = policies[cloud.physical_id("RequestScaling")]["TargetTrackingConfiguration"]
    elbv2 = cloud.client("elbv2")
    balancer = elbv2.describe_load_balancers()["LoadBalancers"][0]["LoadBalancerArn"]
    assert requests["PredefinedMetricSpecification"] == {
        "PredefinedMetricType": "ALBRequestCountPerTarget",
        # app/<lb>/<id>/targetgroup/<tg>/<id>: what CloudWatch's metric names.
        "ResourceLabel": f"{balancer.split(':loadbalancer/')[1]}/{cloud.physical_id('Targets').split(':')[-1]}",
    }
    assert requests["TargetValue"] == 1000.0

    vpc = cloud.physical_id("Vpc")
    assert cloud.delete() == "DELETE_COMPLETE"
    assert autoscaling.describe_policies()["ScalingPolicies"] == []
    assert autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"] == []
    ec2 = cloud.client("ec2")
    assert ec2.describe_network_interfaces()["NetworkInterfaces"] == []
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Vpcs"] == []


def test_a_policy_needs_its_group(cloud: Cloud) -> None:
    policy = {**CPU_POLICY, "Properties": {**CPU_POLICY["Properties"], "AutoScalingGroupName": "missing"}}
    stack = cloud.deploy({"Policy": policy})
    assert stack["StackStatus"] == "CREATE_FAILED"
    assert "AutoScalingGroup 'missing' not found" in cloud.events()["Policy"][1]


def test_deleting_the_group_terminates_its_instances_and_leaves_no_interface_or_target(cloud: Cloud) -> None:
    # The load balancer's stack outlives the group's, so its target group would keep the
    # instances registered if nothing took them off.
    cloud.deploy({**front_door("instance"), **INSTANCES}, name="network")
    profile = cloud.client("iam").get_instance_profile(InstanceProfileName=cloud.physical_id("Profile", "network"))
    values = {
        name: cloud.physical_id(name, "network") for name in ("Targets", "SubnetA", "SubnetB", "Listener", "Vpc")
    } | {
        "InstanceGroup.GroupId": cloud.physical_id("InstanceGroup", "network"),
        "Profile.Arn": profile["InstanceProfile"]["Arn"],
    }
    launch_template = {key: value for key, value in INSTANCES["LaunchTemplate"].items() if key != "DependsOn"}
    deploy(cloud, resolved({"LaunchTemplate": launch_template, "Group": GROUP}, values), name="group")
    ec2, elbv2, targets = cloud.client("ec2"), cloud.client("elbv2"), values["Targets"]
    assert len(ec2.describe_network_interfaces()["NetworkInterfaces"]) == 2
    assert len(elbv2.describe_target_health(TargetGroupArn=targets)["TargetHealthDescriptions"]) == 2

    assert cloud.delete("group") == "DELETE_COMPLETE"
    assert cloud.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"] == []
    assert elbv2.describe_target_health(TargetGroupArn=targets)["TargetHealthDescriptions"] == []
    assert ec2.describe_network_interfaces()["NetworkInterfaces"] == []
    states = {i["State"]["Name"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]}
    assert states == {"terminated"}

    assert cloud.delete("network") == "DELETE_COMPLETE"
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [values["Vpc"]]}])["Vpcs"] == []


def resolved(fragment: Any, values: dict[str, str]) -> Any:
    """``fragment`` with its ``Ref`` and ``Fn::GetAtt`` of another stack's resources replaced
    by their values."""
    if isinstance(fragment, dict):
        if list(fragment) == ["Ref"] and fragment["Ref"] in values:
            return values[fragment["Ref"]]
        if list(fragment) == ["Fn::GetAtt"] and ".".join(fragment["Fn::GetAtt"]) in values:
            return values[".".join(fragment["Fn::GetAtt"])]
        return {key: resolved(value, values) for key, value in fragment.items()}
    if isinstance(fragment, list):
        return [resolved(value, values) for value in fragment]
    return fragment
