"""A DynamoDB table with the notes' settings and secure defaults: ``DynamoTable``."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from constructs import Construct

from cdk_refarch.core.errors import require
from cdk_refarch.core.tags import tag_pattern
from cdk_refarch.core.validation import check_bool, check_int

# DynamoDB attribute names: 1..255 bytes; the construct keeps them to a safe charset.
_MAX_ATTRIBUTE_NAME = 255


@dataclass(frozen=True)
class ProvisionedCapacity:
    """Provisioned read/write capacity with target-tracking auto scaling.

    :param target_utilization_percent: auto scaling keeps consumed/provisioned near this.
    """

    min_read: int = 1
    max_read: int = 10
    min_write: int = 1
    max_write: int = 10
    target_utilization_percent: int = 70

    def __post_init__(self) -> None:
        for kind in ("read", "write"):
            low = check_int(f"min_{kind}", getattr(self, f"min_{kind}"), minimum=1)
            high = check_int(f"max_{kind}", getattr(self, f"max_{kind}"), minimum=1)
            require(low <= high, f"min_{kind} ({low}) must not exceed max_{kind} ({high})")
        check_int("target_utilization_percent", self.target_utilization_percent, minimum=20, maximum=90)


@dataclass(frozen=True)
class TableOptions:
    """What a ``DynamoTable`` stores and how.

    :param partition_key: the partition key attribute (required).
    :param sort_key: an optional sort key; it must differ from the partition key.
    :param provisioned: provisioned capacity with auto scaling; ``None`` (default)
        is on-demand, which costs nothing while idle (notes 001:2326).
    :param encryption_key: a customer-managed KMS key; ``None`` (default) uses the
        AWS-owned key, which is free and rotated by AWS.
    :param time_to_live_attribute: the attribute holding expiry epochs (001:2335).
    :param stream: a DynamoDB stream with this view type (001:2309).
    :param point_in_time_recovery: continuous backups for 35 days (001:2317); on by
        default, off only when you say so.
    :param deletion_protection: refuse ``DeleteTable`` while on; the production stage
        turns it on.
    """

    partition_key: dynamodb.Attribute
    sort_key: dynamodb.Attribute | None = None
    provisioned: ProvisionedCapacity | None = None
    encryption_key: kms.IKey | None = None
    time_to_live_attribute: str | None = None
    stream: dynamodb.StreamViewType | None = None
    point_in_time_recovery: bool = True
    deletion_protection: bool = False

    def __post_init__(self) -> None:
        check_bool("point_in_time_recovery", self.point_in_time_recovery)
        check_bool("deletion_protection", self.deletion_protection)
        _check_attribute_name("partition_key", self.partition_key.name)
        if self.sort_key is not None:
            _check_attribute_name("sort_key", self.sort_key.name)
            require(
                self.sort_key.name != self.partition_key.name,
                f"sort_key ({self.sort_key.name!r}) must differ from partition_key ({self.partition_key.name!r})",
            )
        if self.time_to_live_attribute is not None:
            _check_attribute_name("time_to_live_attribute", self.time_to_live_attribute)
            keys = {self.partition_key.name, self.sort_key.name if self.sort_key else None}
            require(
                self.time_to_live_attribute not in keys,
                f"time_to_live_attribute ({self.time_to_live_attribute!r}) cannot be a key attribute",
            )


class DynamoTable(Construct):
    """A DynamoDB table (``TableV2``) built from ``TableOptions``; exposes ``.table``.

    Used by ``ServerlessApi`` when it creates its own table, and directly by a
    stateful stack that owns the table apart from the API that uses it.
    """

    PATTERN = "dynamo-table"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        options: TableOptions,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        tag_pattern(self)
        self.table = dynamodb.TableV2(
            self,
            "Table",
            partition_key=options.partition_key,
            sort_key=options.sort_key,
            billing=_billing(options.provisioned),
            encryption=(
                dynamodb.TableEncryptionV2.customer_managed_key(options.encryption_key)
                if options.encryption_key
                else dynamodb.TableEncryptionV2.dynamo_owned_key()
            ),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=options.point_in_time_recovery
            ),
            time_to_live_attribute=options.time_to_live_attribute,
            dynamo_stream=options.stream,
            deletion_protection=options.deletion_protection,
            removal_policy=removal_policy,
        )


def _billing(provisioned: ProvisionedCapacity | None) -> dynamodb.Billing:
    if provisioned is None:
        return dynamodb.Billing.on_demand()
    return dynamodb.Billing.provisioned(
        read_capacity=dynamodb.Capacity.autoscaled(
            min_capacity=provisioned.min_read,
            max_capacity=provisioned.max_read,
            target_utilization_percent=provisioned.target_utilization_percent,
        ),
        write_capacity=dynamodb.Capacity.autoscaled(
            min_capacity=provisioned.min_write,
            max_capacity=provisioned.max_write,
            target_utilization_percent=provisioned.target_utilization_percent,
        ),
    )


def _check_attribute_name(prop: str, name: str) -> None:
    require(
        isinstance(name, str) and 0 < len(name.encode()) <= _MAX_ATTRIBUTE_NAME,
        f"{prop} ({name!r}) must be a non-empty attribute name of at most {_MAX_ATTRIBUTE_NAME} bytes",
    )
