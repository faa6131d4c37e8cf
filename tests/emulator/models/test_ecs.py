"""ECS clusters, Fargate task definitions and services behind an ALB, shaped as CDK emits
them for ContainerService (the fragments are shared with the Application Auto Scaling
tests)."""

from __future__ import annotations

from typing import Any

from emulator.notes import EMULATED
from tests.emulator.conftest import Cloud
from tests.emulator.models.test_elbv2 import SUBNETS, front_door

ECS_TASKS_ROLE: dict[str, Any] = {
    "Type": "AWS::IAM::Role",
    "Properties": {
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    },
}
CLUSTER: dict[str, Any] = {
    "Type": "AWS::ECS::Cluster",
    "Properties": {"ClusterSettings": [{"Name": "containerInsights", "Value": "enabled"}]},
}
TASK_DEFINITION: dict[str, Any] = {
    "Type": "AWS::ECS::TaskDefinition",
    "Properties": {
        "ContainerDefinitions": [
            {
                "Essential": True,
                "HealthCheck": {
                    "Command": ["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"],
                    "Interval": 30,
                    "Retries": 3,
                    "Timeout": 5,
                },
                "Image": "public.ecr.aws/nginx/nginx:latest",
                "LogConfiguration": {
                    "LogDriver": "awslogs",
                    "Options": {
                        "awslogs-group": {"Ref": "AppLogs"},
                        "awslogs-stream-prefix": "app",
                        "awslogs-region": "us-east-1",
                    },
                },
                "MountPoints": [{"ContainerPath": "/tmp", "ReadOnly": False, "SourceVolume": "tmp"}],
                "Name": "app",
                "PortMappings": [{"ContainerPort": 8080, "Protocol": "tcp"}],
                "ReadonlyRootFilesystem": True,
                "Secrets": [{"Name": "TOKEN", "ValueFrom": {"Ref": "Secret"}}],
                "DockerLabels": {"Team": "web"},
            }
        ],
        "Cpu": "256",
        "ExecutionRoleArn": {"Fn::GetAtt": ["ExecutionRole", "Arn"]},
        "Family": "StackTask",
        "Memory": "512",
        "NetworkMode": "awsvpc",
        "RequiresCompatibilities": ["FARGATE"],
        "RuntimePlatform": {"CpuArchitecture": "ARM64", "OperatingSystemFamily": "LINUX"},
        "TaskRoleArn": {"Fn::GetAtt": ["TaskRole", "Arn"]},
        "Volumes": [{"Name": "tmp"}],
    },
}
SERVICE: dict[str, Any] = {
    "Type": "AWS::ECS::Service",
    "Properties": {
        "Cluster": {"Ref": "Cluster"},
        "DeploymentConfiguration": {
            "Alarms": {"AlarmNames": [], "Enable": False, "Rollback": False},
            "DeploymentCircuitBreaker": {"Enable": True, "Rollback": True},
            "MaximumPercent": 200,
            "MinimumHealthyPercent": 100,
        },
        "DeploymentController": {"Type": "ECS"},
        "DesiredCount": 2,
        "EnableECSManagedTags": False,
        "EnableExecuteCommand": True,
        "HealthCheckGracePeriodSeconds": 60,
        "LaunchType": "FARGATE",
        "LoadBalancers": [{"ContainerName": "app", "ContainerPort": 8080, "TargetGroupArn": {"Ref": "Targets"}}],
        "NetworkConfiguration": {
            "AwsvpcConfiguration": {
                "AssignPublicIp": "DISABLED",
                "SecurityGroups": [{"Fn::GetAtt": ["ServiceGroup", "GroupId"]}],
                "Subnets": SUBNETS,
            }
        },
        "TaskDefinition": {"Ref": "Task"},
    },
    "DependsOn": ["Listener", "TaskRole"],
}


def container_service(**resources: Any) -> dict[str, Any]:
    """The ALB in front of a Fargate service of two tasks, with what the task needs."""
    return {
        **front_door("ip"),
        "ServiceGroup": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {"GroupDescription": "tasks", "VpcId": {"Ref": "Vpc"}},
        },
        "AppLogs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 365}},
        "Secret": {"Type": "AWS::SecretsManager::Secret", "Properties": {"SecretString": "s3cr3t"}},
        "TaskRole": ECS_TASKS_ROLE,
        "ExecutionRole": ECS_TASKS_ROLE,
        "Cluster": CLUSTER,
        "Task": TASK_DEFINITION,
        "Service": SERVICE,
        **resources,
    }


def with_properties(resource: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {**resource, "Properties": {**resource["Properties"], **properties}}


def test_a_cluster_keeps_its_settings_and_becomes_inactive_with_the_stack(cloud: Cloud) -> None:
    stack = cloud.deploy(
        {"Cluster": with_properties(CLUSTER, Tags=[{"Key": "Pattern", "Value": "container-service"}])},
        outputs={"Arn": {"Value": {"Fn::GetAtt": ["Cluster", "Arn"]}}},
    )
    ecs, name = cloud.client("ecs"), cloud.physical_id("Cluster")
    cluster = ecs.describe_clusters(clusters=[name], include=["SETTINGS", "TAGS"])["clusters"][0]
    assert cluster["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert cluster["tags"] == [{"key": "Pattern", "value": "container-service"}]
    assert (cluster["clusterName"], cluster["status"]) == (name, "ACTIVE")
    assert cloud.outputs(stack)["Arn"] == cluster["clusterArn"]

    assert cloud.delete() == "DELETE_COMPLETE"
    assert ecs.describe_clusters(clusters=[name])["clusters"][0]["status"] == "INACTIVE"


def test_a_fargate_task_definition_reads_back_as_the_template_gives_it(cloud: Cloud) -> None:
    stack = cloud.deploy(container_service(), outputs={"Task": {"Value": {"Ref": "Task"}}})
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    ecs, arn = cloud.client("ecs"), cloud.physical_id("Task")
    assert cloud.outputs(stack)["Task"] == arn and arn.endswith(":task-definition/StackTask:1")
    definition = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
    assert (definition["cpu"], definition["memory"], definition["networkMode"]) == ("256", "512", "awsvpc")
    assert definition["requiresCompatibilities"] == ["FARGATE"]
    assert definition["runtimePlatform"] == {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"}
    iam = cloud.client("iam")
    assert definition["taskRoleArn"] == iam.get_role(RoleName=cloud.physical_id("TaskRole"))["Role"]["Arn"]
    assert definition["executionRoleArn"] == iam.get_role(RoleName=cloud.physical_id("ExecutionRole"))["Role"]["Arn"]
    assert definition["volumes"] == [{"name": "tmp"}]
    container = definition["containerDefinitions"][0]
    assert (container["name"], container["readonlyRootFilesystem"]) == ("app", True)
    assert container["logConfiguration"] == {
        "logDriver": "awslogs",
        "options": {
            "awslogs-group": cloud.physical_id("AppLogs"),
            "awslogs-stream-prefix": "app",
            "awslogs-region": "us-east-1",
        },
    }
    assert container["secrets"] == [{"name": "TOKEN", "valueFrom": cloud.physical_id("Secret")}]
    assert container["portMappings"] == [{"containerPort": 8080, "protocol": "tcp"}]
    assert container["mountPoints"] == [{"containerPath": "/tmp", "readOnly": False, "sourceVolume": "tmp"}]
    assert container["healthCheck"]["command"] == ["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"]
    assert container["dockerLabels"] == {"Team": "web"}  # the user's keys keep their spelling

    assert cloud.delete() == "DELETE_COMPLETE"
    assert ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]["status"] == "INACTIVE"


def test_a_fargate_service_behind_the_load_balancer_runs_no_task_and_says_so(cloud: Cloud) -> None:
    stack = cloud.deploy(
        container_service(),
        outputs={"Name": {"Value": {"Fn::GetAtt": ["Service", "Name"]}}, "Arn": {"Value": {"Ref": "Service"}}},
    )
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    ecs, cluster = cloud.client("ecs"), cloud.physical_id("Cluster")
    service = ecs.describe_services(cluster=cluster, services=[cloud.physical_id("Service")])["services"][0]
    assert cloud.outputs(stack) == {"Name": service["serviceName"], "Arn": service["serviceArn"]}
    assert service["serviceArn"].endswith(f":service/{cluster}/{service['serviceName']}")
    assert (service["launchType"], service["desiredCount"], service["status"]) == ("FARGATE", 2, "ACTIVE")
    assert service["taskDefinition"] == cloud.physical_id("Task")
    assert service["deploymentConfiguration"] == {
        "alarms": {"alarmNames": [], "enable": False, "rollback": False},
        "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    }
    assert service["networkConfiguration"] == {
        "awsvpcConfiguration": {
            "assignPublicIp": "DISABLED",
            "securityGroups": [cloud.physical_id("ServiceGroup")],
            "subnets": [cloud.physical_id("SubnetA"), cloud.physical_id("SubnetB")],
        }
    }
    assert service["loadBalancers"] == [
        {"containerName": "app", "containerPort": 8080, "targetGroupArn": cloud.physical_id("Targets")}
    ]
    assert (service["healthCheckGracePeriodSeconds"], service["enableExecuteCommand"]) == (60, True)
    # No container runs in the emulator: nothing is faked as running.
    assert service["runningCount"] == 0
    targets = cloud.client("elbv2").describe_target_health(TargetGroupArn=cloud.physical_id("Targets"))
    assert targets["TargetHealthDescriptions"] == []
    status, reason = cloud.events()["Service"]
    assert status == "CREATE_COMPLETE" and reason.startswith(EMULATED) and "no task runs" in reason

    assert cloud.delete() == "DELETE_COMPLETE"
    service = ecs.describe_services(cluster=cluster, services=[service["serviceArn"]])["services"][0]
    assert (service["status"], service["desiredCount"]) == ("INACTIVE", 0)
    assert ecs.describe_clusters(clusters=[cluster])["clusters"][0]["status"] == "INACTIVE"


def test_a_service_on_fargate_capacity_providers_has_no_launch_type(cloud: Cloud) -> None:
    strategy = [
        {"CapacityProvider": "FARGATE", "Base": 1, "Weight": 1},
        {"CapacityProvider": "FARGATE_SPOT", "Weight": 3},
    ]
    service = {**SERVICE, "Properties": {k: v for k, v in SERVICE["Properties"].items() if k != "LaunchType"}}
    cloud.deploy(
        container_service(
            Providers={
                "Type": "AWS::ECS::ClusterCapacityProviderAssociations",
                "Properties": {
                    "Cluster": {"Ref": "Cluster"},
                    "CapacityProviders": ["FARGATE", "FARGATE_SPOT"],
                    "DefaultCapacityProviderStrategy": strategy,
                },
            },
            Service={**with_properties(service, CapacityProviderStrategy=strategy), "DependsOn": ["Providers"]},
        )
    )
    ecs, cluster = cloud.client("ecs"), cloud.physical_id("Cluster")
    described = ecs.describe_clusters(clusters=[cluster])["clusters"][0]
    assert described["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]
    expected = [
        {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 3},
    ]
    assert described["defaultCapacityProviderStrategy"] == expected
    service = ecs.describe_services(cluster=cluster, services=[cloud.physical_id("Service")])["services"][0]
    assert service["capacityProviderStrategy"] == expected
    assert "launchType" not in service

    assert cloud.delete() == "DELETE_COMPLETE"
    assert ecs.describe_clusters(clusters=[cluster])["clusters"][0]["capacityProviders"] == []


def test_a_service_refuses_what_ecs_refuses_of_its_load_balancer(cloud: Cloud) -> None:
    unattached = container_service()
    del unattached["Listener"]
    unattached["Service"] = {**SERVICE, "DependsOn": ["TaskRole"]}
    assert cloud.deploy(unattached, name="unattached")["StackStatus"] == "CREATE_FAILED"
    assert "does not have an associated load balancer" in cloud.events("unattached")["Service"][1]

    wrong_port = container_service(
        Service=with_properties(
            SERVICE,
            LoadBalancers=[{"ContainerName": "app", "ContainerPort": 80, "TargetGroupArn": {"Ref": "Targets"}}],
        )
    )
    assert cloud.deploy(wrong_port, name="port")["StackStatus"] == "CREATE_FAILED"
    assert "did not have a container port 80 defined" in cloud.events("port")["Service"][1]
