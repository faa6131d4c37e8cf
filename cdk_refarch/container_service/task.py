"""The task: its two roles, its log group, the task definition and the one container."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Arn, ArnFormat, RemovalPolicy, Size, Stack
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from cdk_refarch.container_service.options import ScratchVolume, TaskSize

#: The container's name in the task definition (and in ``aws ecs execute-command``).
CONTAINER_NAME = "app"
# ECS Exec's SSM agent writes its state and logs here; with a read-only root filesystem
# these must be writable volumes (aws-containers/amazon-ecs-exec-checker#21).
EXEC_AGENT_PATHS = {"ExecAgentState": "/var/lib/amazon", "ExecAgentLogs": "/var/log/amazon"}
# A complete Secrets Manager ARN ends in "-" and six random characters.
_COMPLETE_SUFFIX_LENGTH = 7


def task_role(scope: Construct) -> iam.Role:
    """The role the app's code runs as: nothing allowed until you grant it (ECS Exec
    adds its channel and logging permissions). ECS may assume it only for tasks of this
    account and region (confused-deputy conditions)."""
    stack = Stack.of(scope)
    return iam.Role(
        scope,
        "TaskRole",
        assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com").with_conditions(
            {
                "StringEquals": {"aws:SourceAccount": stack.account},
                "ArnLike": {"aws:SourceArn": stack.format_arn(service="ecs", resource="*")},
            }
        ),
        description="The container's own permissions",
    )


def execution_role(scope: Construct) -> iam.Role:
    """The role ECS uses to start the task: pull the image, write the log group, read
    the given secrets; each grant added by what needs it, no managed policy."""
    return iam.Role(
        scope,
        "ExecutionRole",
        assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
        description="ECS starts the task with it: image pull, its log group, its secrets",
    )


def task_definition(
    scope: Construct,
    *,
    size: TaskSize,
    task_role: iam.IRole,
    execution_role: iam.IRole,
) -> ecs.FargateTaskDefinition:
    return ecs.FargateTaskDefinition(
        scope,
        "TaskDefinition",
        cpu=size.cpu,
        memory_limit_mib=size.memory_mib,
        ephemeral_storage_gib=size.ephemeral_storage_gib,
        runtime_platform=ecs.RuntimePlatform(
            cpu_architecture=ecs.CpuArchitecture.ARM64,
            operating_system_family=ecs.OperatingSystemFamily.LINUX,
        ),
        task_role=task_role,
        execution_role=execution_role,
    )


def app_container(
    definition: ecs.FargateTaskDefinition,
    *,
    image: ecs.ContainerImage,
    port: int,
    environment: Mapping[str, str],
    secrets: Mapping[str, str | ecs.Secret],
    readonly_root: bool,
    scratch_volume: ScratchVolume | None,
    ecs_exec: bool,
    retention: logs.RetentionDays,
    removal_policy: RemovalPolicy,
) -> tuple[ecs.ContainerDefinition, logs.LogGroup]:
    """The one container and its log group (``Logs``): its port, its settings and
    secrets, a read-only root with an optional tmpfs scratch directory, and what ECS
    Exec needs."""
    scope = definition.node.scope
    assert isinstance(scope, Construct)
    log_group = logs.LogGroup(scope, "Logs", retention=retention, removal_policy=removal_policy)
    linux = ecs.LinuxParameters(scope, "LinuxParameters", init_process_enabled=ecs_exec or None)
    if scratch_volume is not None:
        linux.add_tmpfs(
            ecs.Tmpfs(
                container_path=scratch_volume.path,
                size=scratch_volume.size_mib,
                mount_options=[
                    ecs.TmpfsMountOption.RW,
                    ecs.TmpfsMountOption.NOEXEC,
                    ecs.TmpfsMountOption.NOSUID,
                    ecs.TmpfsMountOption.NODEV,
                ],
            )
        )
    container = definition.add_container(
        "App",
        container_name=CONTAINER_NAME,
        image=image,
        port_mappings=[ecs.PortMapping(container_port=port, protocol=ecs.Protocol.TCP, name="http")],
        environment=dict(environment) or None,
        secrets={name: _secret(scope, name, arn) for name, arn in secrets.items()} or None,
        readonly_root_filesystem=readonly_root,
        linux_parameters=linux,
        # Non-blocking: a slow log delivery never stalls the app (logs buffer in memory);
        # explicit, so it does not depend on the account's defaultLogDriverMode setting.
        logging=ecs.LogDrivers.aws_logs(
            stream_prefix=CONTAINER_NAME,
            log_group=log_group,
            mode=ecs.AwsLogDriverMode.NON_BLOCKING,
            max_buffer_size=Size.mebibytes(25),
        ),
    )
    if ecs_exec and readonly_root:
        for name, path in EXEC_AGENT_PATHS.items():
            definition.add_volume(name=name)
            container.add_mount_points(ecs.MountPoint(container_path=path, source_volume=name, read_only=False))
    return container, log_group


def _secret(scope: Construct, name: str, arn: str | ecs.Secret) -> ecs.Secret:
    """An ECS secret for ``arn``: ECS reads it when the task starts (the execution role
    is granted read on it) and sets the variable; the value never enters the template.
    An ``ecs.Secret`` is used as it is (it grants itself)."""
    if isinstance(arn, ecs.Secret):
        return arn
    service = Arn.split(arn, ArnFormat.COLON_RESOURCE_NAME).service
    construct_id = f"Secret{name}"  # names are unique and valid IDs
    if service == "secretsmanager":
        secret_name = Arn.split(arn, ArnFormat.COLON_RESOURCE_NAME).resource_name or ""
        # A complete ARN ends in "-XXXXXX"; without it, read any secret with that name's suffix.
        complete = len(secret_name) > _COMPLETE_SUFFIX_LENGTH and secret_name[-_COMPLETE_SUFFIX_LENGTH] == "-"
        imported = (
            secretsmanager.Secret.from_secret_complete_arn(scope, construct_id, arn)
            if complete
            else secretsmanager.Secret.from_secret_partial_arn(scope, construct_id, arn)
        )
        return ecs.Secret.from_secrets_manager(imported)
    return ecs.Secret.from_ssm_parameter(ssm.StringParameter.from_string_parameter_arn(scope, construct_id, arn))
