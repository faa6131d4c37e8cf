"""EC2 Auto Scaling: groups launched from a launch template, and their scaling policies.

moto 5.2.5's group model launches the group's instances (from the launch template, into
the first of its subnets) and registers them with its target groups, but:

- it drops ``CapacityRebalance``, ``MetricsCollection``, ``DefaultInstanceWarmup`` and
  ``MaxInstanceLifetime``, and takes a tag's ``PropagateAtLaunch`` of ``"false"`` for true;
- the instances ignore the template's metadata options (IMDSv2), instance profile and
  detailed monitoring;
- deleting the group terminates its instances but leaves their network interfaces (moto
  creates them without DeleteOnTermination) and their registrations with the target
  groups (only moto's EC2 API tells ELB).

It has no model for scaling policies at all. ``AWS::EC2::LaunchTemplate`` needs nothing:
moto's model keeps the whole ``LaunchTemplateData`` (metadata options, encrypted gp3
volumes, monitoring, instance profile, user data, an image ID from an
``AWS::SSM::Parameter::Value<...>`` parameter), reads it back through
``DescribeLaunchTemplateVersions``, answers ``LatestVersionNumber`` and deletes.
"""

from __future__ import annotations

from typing import Any

from moto.autoscaling.exceptions import ValidationError
from moto.autoscaling.models import AutoScalingBackend, FakeAutoScalingGroup, autoscaling_backends
from moto.core.common_models import CloudFormationModel
from moto.ec2.models import ec2_backends
from moto.ec2.models.instances import Instance, MetadataOptions
from moto.elbv2.models import elbv2_backends

from emulator.models.base import DeletedLikeAws, SandboxModel, as_bool, as_list
from emulator.models.registry import overrides, registered

GROUP_NAME_TAG = "aws:autoscaling:groupName"

#: Every group metric: what ``MetricsCollection`` without ``Metrics`` enables.
GROUP_METRICS = (
    "GroupMinSize",
    "GroupMaxSize",
    "GroupDesiredCapacity",
    "GroupInServiceInstances",
    "GroupPendingInstances",
    "GroupStandbyInstances",
    "GroupTerminatingInstances",
    "GroupTotalInstances",
    "GroupInServiceCapacity",
    "GroupPendingCapacity",
    "GroupStandbyCapacity",
    "GroupTerminatingCapacity",
    "GroupTotalCapacity",
    "WarmPoolDesiredCapacity",
    "WarmPoolWarmedCapacity",
    "WarmPoolPendingCapacity",
    "WarmPoolTerminatingCapacity",
    "WarmPoolTotalCapacity",
    "GroupAndWarmPoolDesiredCapacity",
    "GroupAndWarmPoolTotalCapacity",
)


def autoscaling_backend(account_id: str, region_name: str) -> AutoScalingBackend:
    return autoscaling_backends[account_id][region_name]


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def apply_launch_template(group: FakeAutoScalingGroup, instances: list[Instance]) -> None:
    """What EC2 takes from the group's launch template at launch and moto's instances do not."""
    template = group.ec2_launch_template
    if template is None:
        return
    data = template.get_version(group.launch_template_version).data
    ec2 = group.ec2_backend
    for instance in instances:
        if data.get("MetadataOptions"):
            instance.metadata_options = MetadataOptions(data["MetadataOptions"])
        profile = data.get("IamInstanceProfile") or {}
        if profile and instance.id not in ec2.iam_instance_profile_associations:
            ec2.associate_iam_instance_profile(
                instance.id, iam_instance_profile_name=profile.get("Name"), iam_instance_profile_arn=profile.get("Arn")
            )
        if as_bool((data.get("Monitoring") or {}).get("Enabled")):
            instance.monitoring_state = "enabled"
        for nic in instance.nics.values():
            # EC2 deletes the interfaces it creates at launch when the instance terminates.
            nic.delete_on_termination = True


@overrides("AWS::AutoScaling::AutoScalingGroup")
class AutoScalingGroup(DeletedLikeAws):
    """moto's group, completed with what its model drops, whose instances get their launch
    template's settings, and which leaves no network interface or target behind."""

    MODEL = FakeAutoScalingGroup

    @classmethod
    def for_moto(cls, cloudformation_json: dict[str, Any]) -> dict[str, Any]:
        properties = dict(cloudformation_json.get("Properties") or {})
        properties["Tags"] = [
            {**tag, "PropagateAtLaunch": as_bool(tag.get("PropagateAtLaunch"))}
            for tag in as_list(properties.get("Tags"))
        ]
        return {**cloudformation_json, "Properties": properties}

    @classmethod
    def complete(cls, inner: Any, properties: dict[str, Any]) -> None:
        inner.capacity_rebalance = as_bool(properties.get("CapacityRebalance"))
        for collection in as_list(properties.get("MetricsCollection")):
            inner.enable_metrics_collection(as_list(collection.get("Metrics")) or list(GROUP_METRICS))
        inner.default_instance_warmup = _int(properties.get("DefaultInstanceWarmup"))
        inner.max_instance_lifetime = _int(properties.get("MaxInstanceLifetime"))
        apply_launch_template(inner, [state.instance for state in inner.instance_states])

    def remove(self) -> None:
        backend = autoscaling_backend(self.account_id, self.region_name)
        name = self.physical_resource_id
        if name not in backend.autoscaling_groups:
            return
        ec2 = ec2_backends[self.account_id][self.region_name]
        # Every instance the group launched, also those it has replaced or scaled in since.
        tagged = {tag["resource_id"] for tag in ec2.describe_tags(filters={"key": [GROUP_NAME_TAG], "value": [name]})}
        launched = [instance for instance in ec2.all_instances() if instance.id in tagged]
        # Terminates the group's instances, as CloudFormation's deletion does.
        backend.delete_auto_scaling_group(name)
        ids = [instance.id for instance in launched]
        if ids:
            elbv2_backends[self.account_id][self.region_name].notify_terminate_instances(ids)
        for instance in launched:
            for nic in instance.nics.values():
                if instance.state == "terminated" and nic.id in ec2.enis:
                    nic.delete()


@registered
class ScalingPolicy(SandboxModel, CloudFormationModel):
    TYPE = "AWS::AutoScaling::ScalingPolicy"
    ATTRIBUTES = ("Arn", "PolicyName")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> ScalingPolicy:
        p = properties
        backend = autoscaling_backend(account_id, region_name)
        group = p["AutoScalingGroupName"]
        if group not in backend.autoscaling_groups:
            raise ValidationError(f"AutoScalingGroup name not found - AutoScalingGroup '{group}' not found")
        policy = backend.put_scaling_policy(
            name=name,
            policy_type=p.get("PolicyType", "SimpleScaling"),
            metric_aggregation_type=p.get("MetricAggregationType"),
            adjustment_type=p.get("AdjustmentType"),
            as_name=group,
            min_adjustment_magnitude=p.get("MinAdjustmentMagnitude"),
            scaling_adjustment=_int(p.get("ScalingAdjustment")),
            cooldown=_int(p.get("Cooldown")),
            target_tracking_config=p.get("TargetTrackingConfiguration"),
            step_adjustments=p.get("StepAdjustments"),
            estimated_instance_warmup=p.get("EstimatedInstanceWarmup"),
            predictive_scaling_configuration=p.get("PredictiveScalingConfiguration"),
        )
        return cls(policy.arn, account_id, region_name, properties, {"Arn": policy.arn, "PolicyName": name})

    def remove(self) -> None:
        autoscaling_backend(self.account_id, self.region_name).delete_policy(self.attributes["PolicyName"])
