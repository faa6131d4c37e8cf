"""ECS: clusters, their capacity providers, task definitions and services.

moto 5.2.5's models keep little of what CDK's Fargate templates say, and delete nothing:

- cluster: only the name (no settings such as Container Insights, no tags,
  configuration or capacity providers); the stack's deletion leaves it ACTIVE;
- task definition: only the family, the containers (with every nested key camel-cased,
  the keys of log options and Docker labels included) and the memory: no CPU, network
  mode, compatibilities, runtime platform, roles, ephemeral storage or tags; the
  deletion leaves it ACTIVE;
- service: only the name, cluster, task definition and desired count (no launch type,
  network configuration, load balancers, deployment configuration, ...); the deletion
  leaves it ACTIVE;
- no model for ``AWS::ECS::ClusterCapacityProviderAssociations``.

These create each resource through moto's ECS backend with everything the template
gives, in the API's shape, so that ``DescribeClusters``, ``DescribeTaskDefinition`` and
``DescribeServices`` read it back, and delete it as CloudFormation does (a cluster and a
service become INACTIVE, a task definition is deregistered). A service is validated as
ECS does against its load balancers (a target group attached to a load balancer, of type
``ip`` for ``awsvpc`` tasks, a container and port the task definition has).

No task ever runs: moto starts no container, so a service reports ``runningCount`` 0 and
its target group gets no targets. Its stack event says so (emulated).
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ecs.exceptions import (
    ClusterNotFoundException,
    ECSException,
    InvalidParameterException,
    ServiceNotFoundException,
    TaskDefinitionNotFoundException,
)
from moto.ecs.models import EC2ContainerServiceBackend, ecs_backends
from moto.elbv2.exceptions import TargetGroupNotFoundError
from moto.elbv2.models import elbv2_backends

from emulator.models.base import SandboxModel, as_bool, as_list
from emulator.models.registry import overrides, registered
from emulator.notes import EMULATED

#: CloudFormation keys whose API name is not the key with a lower-case first letter.
_RENAMED = {
    "EFSVolumeConfiguration": "efsVolumeConfiguration",
    "FSxWindowsFileServerVolumeConfiguration": "fsxWindowsFileServerVolumeConfiguration",
    "IAM": "iam",
    "ProxyConfigurationProperties": "properties",
}
#: Keys whose value is a map of the user's own keys, which keep their spelling.
_MAPS = frozenset({"DockerLabels", "DriverOpts", "Labels", "Options"})

NO_TASKS = (
    f"{EMULATED}the service is held by moto's ECS backend, but no task runs (moto starts no container): "
    "runningCount stays 0 and its target group gets no targets"
)


def ecs_backend(account_id: str, region_name: str) -> EC2ContainerServiceBackend:
    return ecs_backends[account_id][region_name]


def api_shape(value: Any) -> Any:
    """A CloudFormation property of ECS (PascalCase keys) in the API's shape (camelCase)."""
    if isinstance(value, dict):
        return {
            _RENAMED.get(key, key[:1].lower() + key[1:]): item if key in _MAPS else api_shape(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [api_shape(item) for item in value]
    return value


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


@overrides("AWS::ECS::Cluster")
class Cluster(SandboxModel):
    TYPE = "AWS::ECS::Cluster"
    NAME_PROPERTY = "ClusterName"
    ATTRIBUTES = ("Arn",)

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> Cluster:
        p = properties
        cluster = ecs_backend(account_id, region_name).create_cluster(
            name,
            tags=api_shape(as_list(p.get("Tags"))),
            cluster_settings=api_shape(p.get("ClusterSettings")),
            configuration=api_shape(p.get("Configuration")),
            capacity_providers=as_list(p.get("CapacityProviders")) or None,
            default_capacity_provider_strategy=api_shape(p.get("DefaultCapacityProviderStrategy")),
            service_connect_defaults=api_shape(p.get("ServiceConnectDefaults")),
        )
        # A cluster's Ref is its name.
        return cls(cluster.name, account_id, region_name, properties, {"Arn": cluster.arn})

    def remove(self) -> None:
        backend = ecs_backend(self.account_id, self.region_name)
        name = self.physical_resource_id
        if any(s.cluster_name == name and s.status != "INACTIVE" for s in backend.services.values()):
            # moto retries the deletion once the stack's services are gone, as CloudFormation orders it.
            raise ECSException(
                "ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active."
            )
        try:
            backend.delete_cluster(name)  # INACTIVE, as in ECS
        except ClusterNotFoundException:
            pass


@registered
class ClusterCapacityProviderAssociations(SandboxModel, CloudFormationModel):
    TYPE = "AWS::ECS::ClusterCapacityProviderAssociations"

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> ClusterCapacityProviderAssociations:
        cluster = ecs_backend(account_id, region_name).put_cluster_capacity_providers(
            properties["Cluster"],
            as_list(properties.get("CapacityProviders")),
            api_shape(as_list(properties.get("DefaultCapacityProviderStrategy"))),
        )
        return cls(cluster.name, account_id, region_name, properties)

    def remove(self) -> None:
        try:
            ecs_backend(self.account_id, self.region_name).put_cluster_capacity_providers(
                self.physical_resource_id, [], []
            )
        except ClusterNotFoundException:
            pass


@overrides("AWS::ECS::TaskDefinition")
class TaskDefinition(SandboxModel):
    TYPE = "AWS::ECS::TaskDefinition"
    ATTRIBUTES = ("TaskDefinitionArn",)

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> TaskDefinition:
        p = properties
        definition = ecs_backend(account_id, region_name).register_task_definition(
            family=p.get("Family") or name,
            container_definitions=api_shape(as_list(p.get("ContainerDefinitions"))),
            volumes=api_shape(as_list(p.get("Volumes"))),
            network_mode=p.get("NetworkMode"),
            tags=api_shape(as_list(p.get("Tags"))) or None,
            placement_constraints=api_shape(as_list(p.get("PlacementConstraints"))) or None,
            requires_compatibilities=as_list(p.get("RequiresCompatibilities")) or None,
            cpu=_str(p.get("Cpu")),
            memory=_str(p.get("Memory")),
            task_role_arn=p.get("TaskRoleArn"),
            execution_role_arn=p.get("ExecutionRoleArn"),
            proxy_configuration=api_shape(p.get("ProxyConfiguration")),
            inference_accelerators=api_shape(p.get("InferenceAccelerators")),
            runtime_platform=api_shape(p.get("RuntimePlatform")),
            ipc_mode=p.get("IpcMode"),
            pid_mode=p.get("PidMode"),
            ephemeral_storage=api_shape(p.get("EphemeralStorage")),
        )
        return cls(definition.arn, account_id, region_name, properties, {"TaskDefinitionArn": definition.arn})

    def remove(self) -> None:
        try:
            ecs_backend(self.account_id, self.region_name).deregister_task_definition(self.physical_resource_id)
        except TaskDefinitionNotFoundException:
            pass


@overrides("AWS::ECS::Service")
class Service(SandboxModel):
    TYPE = "AWS::ECS::Service"
    NAME_PROPERTY = "ServiceName"
    ATTRIBUTES = ("Name", "ServiceArn")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> Service:
        p = properties
        backend = ecs_backend(account_id, region_name)
        cluster = p.get("Cluster", "default")
        load_balancers = api_shape(as_list(p.get("LoadBalancers")))
        definition = backend.describe_task_definition(p["TaskDefinition"]) if p.get("TaskDefinition") else None
        cls._check_load_balancers(load_balancers, definition, account_id, region_name)
        launch_type = p.get("LaunchType")
        strategy = api_shape(as_list(p.get("CapacityProviderStrategy")))
        if not strategy and not launch_type:
            # The cluster's default strategy decides, as in ECS.
            strategy = list(backend._get_cluster(cluster).default_capacity_provider_strategy or [])
        scheduling = p.get("SchedulingStrategy", "REPLICA")
        desired = p.get("DesiredCount", 1 if scheduling == "REPLICA" else None)
        service = backend.create_service(
            cluster,
            name,
            int(desired) if desired is not None else 0,
            task_definition_str=definition.arn if definition else None,
            load_balancers=load_balancers,
            scheduling_strategy=scheduling,
            tags=api_shape(as_list(p.get("Tags"))) or None,
            deployment_controller=api_shape(p.get("DeploymentController")),
            launch_type=launch_type,
            service_registries=api_shape(as_list(p.get("ServiceRegistries"))) or None,
            platform_version=p.get("PlatformVersion"),
            propagate_tags=p.get("PropagateTags", "NONE"),
            network_configuration=api_shape(p.get("NetworkConfiguration")),
            role_arn=p.get("Role"),
        )
        if strategy and not launch_type:
            # moto makes a service without a launch type an EC2 one; with a capacity
            # provider strategy, ECS leaves the launch type empty.
            service.launch_type = None
            for deployment in service.deployments:
                deployment["launchType"] = None
        service.capacity_provider_strategy = strategy or None
        service.deployment_configuration = api_shape(p.get("DeploymentConfiguration")) or {
            "deploymentCircuitBreaker": {"enable": False, "rollback": False},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
        }
        grace = p.get("HealthCheckGracePeriodSeconds")
        service.health_check_grace_period_seconds = int(grace) if grace is not None else None
        service.enable_execute_command = as_bool(p.get("EnableExecuteCommand"))
        service.enable_ecs_managed_tags = as_bool(p.get("EnableECSManagedTags"))
        service.placement_constraints = api_shape(as_list(p.get("PlacementConstraints"))) or None
        service.placement_strategy = api_shape(as_list(p.get("PlacementStrategies"))) or None
        return cls(
            service.arn,
            account_id,
            region_name,
            properties,
            {"Name": service.name, "ServiceArn": service.arn},
            NO_TASKS if service.desired_count else None,
        )

    @staticmethod
    def _check_load_balancers(
        load_balancers: list[dict[str, Any]], definition: Any, account_id: str, region: str
    ) -> None:
        """What ECS refuses of a service's load balancers (its own messages)."""
        elbv2 = elbv2_backends[account_id][region]
        for entry in load_balancers:
            arn = entry.get("targetGroupArn")
            if arn is None:
                continue
            target_group = elbv2.target_groups.get(arn)
            if target_group is None:
                raise TargetGroupNotFoundError()
            if not target_group.load_balancer_arns:
                raise InvalidParameterException(
                    f"The target group with targetGroupArn {arn} does not have an associated load balancer."
                )
            if definition is None:
                continue
            if definition.network_mode == "awsvpc" and target_group.target_type != "ip":
                raise InvalidParameterException(
                    f"The provided target group {arn} has target type {target_group.target_type}, which is "
                    "incompatible with the awsvpc network mode specified in the task definition."
                )
            name, port = entry.get("containerName"), entry.get("containerPort")
            container = next((c for c in definition.container_definitions if c.get("name") == name), None)
            if container is None:
                raise InvalidParameterException(f"The container {name} does not exist in the task definition.")
            if port is not None and int(port) not in [
                m.get("containerPort") for m in container.get("portMappings", [])
            ]:
                raise InvalidParameterException(f"The container {name} did not have a container port {port} defined.")

    def remove(self) -> None:
        backend = ecs_backend(self.account_id, self.region_name)
        cluster = self.properties.get("Cluster", "default")
        try:
            service = backend._get_service(cluster, self.attributes["Name"])
        except (ClusterNotFoundException, ServiceNotFoundException):
            return
        if service.status == "INACTIVE":
            return
        # CloudFormation scales the service to zero, then deletes it: INACTIVE, as in ECS.
        backend.delete_service(cluster, service.name, force=True)
        service.desired_count = 0
