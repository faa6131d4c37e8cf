"""WebTier's instances: role, launch template and user data."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from cdk_refarch.core.nag import acknowledge, wildcard_object_resources
from cdk_refarch.web_tier.options import Architecture, WebAppOptions

_CPU = {"arm64": ec2.AmazonLinuxCpuType.ARM_64, "x86_64": ec2.AmazonLinuxCpuType.X86_64}
_MANAGED_POLICIES = ("AmazonSSMManagedInstanceCore", "CloudWatchAgentServerPolicy")


def instance_role(scope: Construct, asset: s3_assets.Asset, app: WebAppOptions) -> iam.Role:
    """Session Manager, the CloudWatch agent, read of the app's asset and of the app's
    secrets: nothing else."""
    role = iam.Role(
        scope,
        "InstanceRole",
        assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
        description="Web tier instances: Session Manager, CloudWatch agent, the app's asset",
        managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name(name) for name in _MANAGED_POLICIES],
    )
    asset.grant_read(role)
    for secret in app.secrets.values():
        secret.grant_read(role)
    for name in _MANAGED_POLICIES:
        acknowledge(
            role,
            f"AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/{name}]",
            "The AWS managed policy AWS documents for this agent (Systems Manager Session Manager "
            "instead of SSH, the CloudWatch agent); AWS keeps it to the agent's actions.",
        )
    for action in ("s3:GetBucket*", "s3:GetObject*", "s3:List*"):
        acknowledge(
            role,
            f"AwsSolutions-IAM5[Action::{action}]",
            "CDK's asset grant: the read action groups on the bootstrap asset bucket, which user data "
            "uses to download the app at boot.",
        )
    for resource in wildcard_object_resources(role):
        acknowledge(
            role,
            f"AwsSolutions-IAM5[Resource::{resource}]",
            "CDK's asset grant covers the objects of the bootstrap asset bucket, where the app's zip is; "
            "the bucket is named exactly.",
        )
    return role


def user_data(asset: s3_assets.Asset, app: WebAppOptions) -> ec2.UserData:
    """Download the app's zip, unzip it with Python (always on Amazon Linux 2023), install."""
    data = ec2.UserData.for_linux()
    data.add_commands("set -euo pipefail")
    # The AWS CLI on the image has no region configured: name the bucket's.
    archive = data.add_s3_download_command(
        bucket=asset.bucket, bucket_key=asset.s3_object_key, region=Stack.of(asset).region
    )
    # Each value is single-quoted: a checked literal, or an endpoint or ARN filled in at deploy.
    settings = "".join(f"'{name}={value}' " for name, value in app.variables().items())
    data.add_commands(
        "workdir=$(mktemp -d)",
        f'python3 -m zipfile -e "{archive}" "$workdir"',
        f'cd "$workdir" && {"env " + settings if settings else ""}{app.install_command}',
    )
    return data


def launch_template(
    scope: Construct,
    *,
    instance_type: ec2.InstanceType,
    architecture: Architecture,
    role: iam.IRole,
    security_group: ec2.ISecurityGroup,
    data: ec2.UserData,
    root_volume_gib: int,
) -> ec2.LaunchTemplate:
    """Amazon Linux 2023, IMDSv2 only with one hop, an encrypted gp3 root volume, no key
    pair, detailed monitoring."""
    return ec2.LaunchTemplate(
        scope,
        "LaunchTemplate",
        instance_type=instance_type,
        machine_image=ec2.MachineImage.latest_amazon_linux2023(cpu_type=_CPU[architecture]),
        require_imdsv2=True,
        http_put_response_hop_limit=1,
        instance_metadata_tags=False,
        block_devices=[
            ec2.BlockDevice(
                device_name="/dev/xvda",
                volume=ec2.BlockDeviceVolume.ebs(
                    root_volume_gib,
                    encrypted=True,
                    volume_type=ec2.EbsDeviceVolumeType.GP3,
                    delete_on_termination=True,
                ),
            )
        ],
        detailed_monitoring=True,
        role=role,
        security_group=security_group,
        user_data=data,
    )
