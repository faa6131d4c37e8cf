"""The logical IDs of stateful resources are pinned: CloudFormation replaces a resource
whose logical ID changes, so a refactor that renamed a construct above a database, a
table, a bucket, a queue, a VPC or a key would delete its data on the next deploy.

``stateful_logical_ids.json`` lists them per stack (the stage written as ``*``) for both
stages. A change that moves one fails here; a new stateful resource fails too until it
is added to the list, on purpose, in the same change.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.synthesis import Synthesized

PINNED = Path(__file__).with_name("stateful_logical_ids.json")

#: What holds data (or the key to it) that a replacement would lose.
STATEFUL_TYPES = (
    "AWS::RDS::DBInstance",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::DynamoDB::GlobalTable",
    "AWS::DynamoDB::Table",
    "AWS::S3::Bucket",
    "AWS::SQS::Queue",
    "AWS::EC2::VPC",
    "AWS::KMS::Key",
    "AWS::Cognito::UserPool",
    "AWS::CloudTrail::Trail",
)


def stateful_logical_ids(app: Synthesized) -> dict[str, dict[str, str]]:
    """Stack (stage written ``*``) -> logical ID -> type, for the stateful types."""
    found: dict[str, dict[str, str]] = {}
    for stack_id in app.stacks:
        resources = app.template_json(stack_id)["Resources"]
        ids = {key: value["Type"] for key, value in resources.items() if value["Type"] in STATEFUL_TYPES}
        if ids:
            parts = stack_id.split("-")
            key = "-".join([parts[0], "*", *parts[2:]]) if len(parts) == 3 else stack_id
            found[key] = dict(sorted(ids.items()))
    return dict(sorted(found.items()))


@pytest.mark.parametrize("stage", ["sandbox", "production"])
def test_stateful_logical_ids_are_the_pinned_ones(stage: str, request: pytest.FixtureRequest) -> None:
    app: Synthesized = request.getfixturevalue(stage)
    pinned = json.loads(PINNED.read_text())[stage]
    assert stateful_logical_ids(app) == pinned
