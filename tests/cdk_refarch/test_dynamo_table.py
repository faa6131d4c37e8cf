"""DynamoTable's options refuse bad input naming the property, the value and what is allowed."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import aws_dynamodb as dynamodb

from cdk_refarch import PatternConfigError, ProvisionedCapacity, TableOptions
from tests.synthesis import Synthesized

KEY = dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING)
INF, NAN = float("inf"), float("nan")


def _raises(message: str) -> Any:
    return pytest.raises(PatternConfigError, match=re.escape(message))


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: ProvisionedCapacity(min_read=True), "min_read (True) must be an integer at least 1"),
        (lambda: ProvisionedCapacity(min_read=NAN), "min_read (nan) must be an integer at least 1"),
        (lambda: ProvisionedCapacity(max_read=INF), "max_read (inf) must be an integer at least 1"),
        (lambda: ProvisionedCapacity(min_write=0), "min_write (0) must be an integer at least 1"),
        (lambda: ProvisionedCapacity(max_write=2.5), "max_write (2.5) must be an integer at least 1"),
        (
            lambda: ProvisionedCapacity(target_utilization_percent=True),
            "target_utilization_percent (True) must be an integer from 20 to 90",
        ),
        (
            lambda: ProvisionedCapacity(target_utilization_percent=95),
            "target_utilization_percent (95) must be an integer from 20 to 90",
        ),
        (lambda: ProvisionedCapacity(min_read=5, max_read=2), "min_read (5) must not exceed max_read (2)"),
        (lambda: ProvisionedCapacity(min_write=11), "min_write (11) must not exceed max_write (10)"),
    ],
)
def test_provisioned_capacity(build: Callable[[], object], message: str) -> None:
    with _raises(message):
        build()


def test_sort_key_equal_to_partition_key() -> None:
    with _raises("sort_key ('id') must differ from partition_key ('id')"):
        TableOptions(partition_key=KEY, sort_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.NUMBER))


def test_ttl_on_a_key_attribute() -> None:
    with _raises("time_to_live_attribute ('id') cannot be a key attribute"):
        TableOptions(partition_key=KEY, time_to_live_attribute="id")


@pytest.mark.parametrize("name", ["", "a" * 256])
def test_attribute_names(name: str) -> None:
    with _raises(f"time_to_live_attribute ({name!r}) must be a non-empty attribute name of at most 255 bytes"):
        TableOptions(partition_key=KEY, time_to_live_attribute=name)


@pytest.mark.parametrize("prop", ["point_in_time_recovery", "deletion_protection"])
@pytest.mark.parametrize("value", [1, "yes", None])
def test_flags_must_be_bool(prop: str, value: Any) -> None:
    with _raises(f"{prop} ({value!r}) must be True or False"):
        TableOptions(partition_key=KEY, **{prop: value})


def test_a_table_inside_an_api_carries_its_own_pattern_tag(variants: Synthesized) -> None:
    """A pattern nested in another tags its own resources with its own name."""
    _, table = variants.only("ApiDefaults", "AWS::DynamoDB::GlobalTable")
    (replica,) = table["Properties"]["Replicas"]
    assert {t["Key"]: t["Value"] for t in replica["Tags"]} == {"Pattern": "dynamo-table"}
    _, function = variants.only("ApiDefaults", "AWS::Lambda::Function")
    assert {t["Key"]: t["Value"] for t in function["Properties"]["Tags"]} == {"Pattern": "serverless-api"}
