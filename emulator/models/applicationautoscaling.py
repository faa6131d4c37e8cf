"""Application Auto Scaling: scalable targets (an ECS service's task count) and their
scaling policies, which moto 5.2.5's CloudFormation has no model for.

Both go through moto's Application Auto Scaling backend, which checks, as AWS does, that
an ECS target's service exists, and creates (and deletes) the CloudWatch alarms of an ECS
target tracking policy. A policy needs its registered target, as in AWS.
"""

from __future__ import annotations

from typing import Any

from moto.applicationautoscaling.exceptions import AWSValidationException
from moto.applicationautoscaling.models import ApplicationAutoscalingBackend, applicationautoscaling_backends
from moto.core.common_models import CloudFormationModel
from moto.core.exceptions import JsonRESTError

from emulator.models.base import SandboxModel, as_list
from emulator.models.registry import registered


def backend(account_id: str, region_name: str) -> ApplicationAutoscalingBackend:
    return applicationautoscaling_backends[account_id][region_name]


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


@registered
class ScalableTarget(SandboxModel, CloudFormationModel):
    TYPE = "AWS::ApplicationAutoScaling::ScalableTarget"
    ATTRIBUTES = ("Id",)

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> ScalableTarget:
        p = properties
        namespace, resource_id, dimension = p["ServiceNamespace"], p["ResourceId"], p["ScalableDimension"]
        service = backend(account_id, region_name)
        service.register_scalable_target(
            namespace,
            resource_id,
            dimension,
            _int(p.get("MinCapacity")),
            _int(p.get("MaxCapacity")),
            p.get("RoleARN"),
            p.get("SuspendedState"),
        )
        for action in as_list(p.get("ScheduledActions")):
            service.put_scheduled_action(
                namespace,
                action["Schedule"],
                action.get("Timezone"),
                action["ScheduledActionName"],
                resource_id,
                dimension,
                action.get("StartTime"),
                action.get("EndTime"),
                action.get("ScalableTargetAction"),
            )
        # CloudFormation's ID of a scalable target, which its Ref and Id give.
        target_id = f"{resource_id}|{dimension}|{namespace}"
        return cls(target_id, account_id, region_name, properties, {"Id": target_id})

    def remove(self) -> None:
        p = self.properties
        service = backend(self.account_id, self.region_name)
        for action in as_list(p.get("ScheduledActions")):
            service.delete_scheduled_action(
                p["ServiceNamespace"], action["ScheduledActionName"], p["ResourceId"], p["ScalableDimension"]
            )
        try:
            service.deregister_scalable_target(p["ServiceNamespace"], p["ResourceId"], p["ScalableDimension"])
        except AWSValidationException:
            pass  # not registered any more


@registered
class ScalingPolicy(SandboxModel, CloudFormationModel):
    TYPE = "AWS::ApplicationAutoScaling::ScalingPolicy"
    NAME_PROPERTY = "PolicyName"
    ATTRIBUTES = ("Arn",)

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> ScalingPolicy:
        namespace, resource_id, dimension = cls.target_of(properties)
        service = backend(account_id, region_name)
        if not service.describe_scalable_targets(namespace, [resource_id], dimension):
            raise JsonRESTError(
                "ObjectNotFoundException",
                f"No scalable target registered for service namespace: {namespace}, resource ID: {resource_id}, "
                f"scalable dimension: {dimension}",
            )
        policy_type = properties.get("PolicyType")
        body = (
            properties.get("TargetTrackingScalingPolicyConfiguration")
            if policy_type == "TargetTrackingScaling"
            else properties.get("StepScalingPolicyConfiguration")
        )
        policy = service.put_scaling_policy(name, namespace, resource_id, dimension, body or {}, policy_type)
        return cls(
            policy.policy_arn, account_id, region_name, {**properties, "PolicyName": name}, {"Arn": policy.policy_arn}
        )

    @staticmethod
    def target_of(properties: dict[str, Any]) -> tuple[str, str, str]:
        """(namespace, resource ID, dimension), from ``ScalingTargetId`` or given one by one."""
        if properties.get("ScalingTargetId"):
            resource_id, dimension, namespace = str(properties["ScalingTargetId"]).split("|")
            return namespace, resource_id, dimension
        return properties["ServiceNamespace"], properties["ResourceId"], properties["ScalableDimension"]

    def remove(self) -> None:
        namespace, resource_id, dimension = self.target_of(self.properties)
        try:
            # Also deletes the policy's CloudWatch alarms.
            backend(self.account_id, self.region_name).delete_scaling_policy(
                self.properties["PolicyName"], namespace, resource_id, dimension
            )
        except AWSValidationException:
            pass  # gone already
