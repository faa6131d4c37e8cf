"""CloudWatch Logs: metric filters, and log deliveries (the "vended logs" that services
such as CloudFront's standard logging v2 send to S3, CloudWatch Logs or Firehose), which
moto's CloudFormation leaves out.

A delivery links a *source* (a resource that sends logs, e.g. a distribution's
``ACCESS_LOGS``) to a *destination* (e.g. a bucket, with the output format). moto's Logs
backend holds all three, so they read back through the delivery APIs; the emulator has no
CloudFront edge, so no log record is ever delivered.
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.logs.exceptions import ResourceNotFoundException
from moto.logs.models import LogsBackend, logs_backends

from emulator.models.base import SandboxModel, as_bool, as_json, as_list, tags_as_dict
from emulator.models.registry import registered


def _backend(account_id: str, region_name: str) -> LogsBackend:
    return logs_backends[account_id][region_name]


def _lower_camel(value: Any) -> Any:
    # CloudFormation spells MetricTransformations' keys MetricName, the Logs API metricName.
    if isinstance(value, dict):
        return {key[:1].lower() + key[1:]: _lower_camel(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_lower_camel(item) for item in value]
    return value


@registered
class MetricFilter(SandboxModel, CloudFormationModel):
    TYPE = "AWS::Logs::MetricFilter"
    NAME_PROPERTY = "FilterName"

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> MetricFilter:
        _backend(account_id, region_name).put_metric_filter(
            name,
            properties.get("FilterPattern", ""),
            properties["LogGroupName"],
            _lower_camel(as_list(properties["MetricTransformations"])),
        )
        return cls(name, account_id, region_name, properties)

    def remove(self) -> None:
        _backend(self.account_id, self.region_name).delete_metric_filter(
            self.physical_resource_id, self.properties["LogGroupName"]
        )


@registered
class DeliverySource(SandboxModel, CloudFormationModel):
    TYPE = "AWS::Logs::DeliverySource"
    NAME_PROPERTY = "Name"
    ATTRIBUTES = ("Arn", "ResourceArns", "Service")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> DeliverySource:
        p = properties
        if not p.get("ResourceArn") or not p.get("LogType"):
            # CloudFormation can also infer the log type; moto's PutDeliverySource cannot.
            raise ValueError(f"{cls.TYPE} {name}: the emulator needs both ResourceArn and LogType")
        source = _backend(account_id, region_name).put_delivery_source(
            name, p["ResourceArn"], p["LogType"], tags_as_dict(p.get("Tags"))
        )
        attributes = {"Arn": source.arn, "ResourceArns": list(source.resource_arns), "Service": source.service}
        return cls(name, account_id, region_name, properties, attributes)

    def remove(self) -> None:
        try:
            _backend(self.account_id, self.region_name).delete_delivery_source(self.physical_resource_id)
        except ResourceNotFoundException:
            pass


@registered
class DeliveryDestination(SandboxModel, CloudFormationModel):
    TYPE = "AWS::Logs::DeliveryDestination"
    NAME_PROPERTY = "Name"
    ATTRIBUTES = ("Arn", "DeliveryDestinationType")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> DeliveryDestination:
        p = properties
        if not p.get("DestinationResourceArn"):
            # moto's backend derives the destination type (S3, CWL, FH) from this ARN only.
            raise ValueError(f"{cls.TYPE} {name}: the emulator needs a DestinationResourceArn")
        backend = _backend(account_id, region_name)
        destination = backend.put_delivery_destination(
            name,
            p.get("OutputFormat"),
            {"destinationResourceArn": p["DestinationResourceArn"]},
            tags_as_dict(p.get("Tags")),
        )
        policy = (p.get("DeliveryDestinationPolicy") or {}).get("DeliveryDestinationPolicy")
        if policy:
            backend.put_delivery_destination_policy(name, as_json(policy))
        attributes = {"Arn": destination.arn, "DeliveryDestinationType": destination.delivery_destination_type}
        return cls(name, account_id, region_name, properties, attributes)

    def remove(self) -> None:
        try:
            _backend(self.account_id, self.region_name).delete_delivery_destination(self.physical_resource_id)
        except ResourceNotFoundException:
            pass


@registered
class Delivery(SandboxModel, CloudFormationModel):
    TYPE = "AWS::Logs::Delivery"
    ATTRIBUTES = ("Arn", "DeliveryId", "DeliveryDestinationType")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> Delivery:
        p = properties
        s3_configuration: dict[str, Any] = {}
        if "S3SuffixPath" in p:
            s3_configuration["suffixPath"] = p["S3SuffixPath"]
        if "S3EnableHiveCompatiblePath" in p:
            s3_configuration["enableHiveCompatiblePath"] = as_bool(p["S3EnableHiveCompatiblePath"])
        delivery = _backend(account_id, region_name).create_delivery(
            p["DeliverySourceName"],
            p["DeliveryDestinationArn"],
            [str(field) for field in as_list(p.get("RecordFields"))] or None,
            p.get("FieldDelimiter"),
            s3_configuration or None,
            tags_as_dict(p.get("Tags")),
        )
        attributes = {
            "Arn": delivery.arn,
            "DeliveryId": delivery.id,
            "DeliveryDestinationType": delivery.destination_type,
        }
        # CloudFormation's Ref of a delivery is its ID.
        return cls(delivery.id, account_id, region_name, properties, attributes)

    def remove(self) -> None:
        try:
            _backend(self.account_id, self.region_name).delete_delivery(self.physical_resource_id)
        except ResourceNotFoundException:
            pass
