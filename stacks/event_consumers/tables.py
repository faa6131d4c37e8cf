"""The consumers' tables (``runtime/events/contract.py`` keys), built in the stateful
fan-out stack: point-in-time recovery on, TTL on the contract's expiry attribute."""

from __future__ import annotations

from aws_cdk import aws_dynamodb as dynamodb

from cdk_refarch.dynamo_table import TableOptions
from stacks.contracts import load_contract
from stacks.event_consumers.settings import SETTINGS
from stacks.stages import StageSettings, for_stage


def _table(stage: StageSettings, partition_key: str, sort_key: str) -> TableOptions:
    contract = load_contract("events")
    return TableOptions(
        partition_key=dynamodb.Attribute(name=partition_key, type=dynamodb.AttributeType.STRING),
        sort_key=dynamodb.Attribute(name=sort_key, type=dynamodb.AttributeType.STRING),
        time_to_live_attribute=contract.EXPIRY_ATTRIBUTE,
        deletion_protection=for_stage(SETTINGS, stage).table_deletion_protection,
    )


def event_log_table(stage: StageSettings) -> TableOptions:
    """One item per event: a day of one stream is one partition, in time order."""
    contract = load_contract("events")
    return _table(stage, contract.EVENT_LOG_PARTITION_KEY, contract.EVENT_LOG_SORT_KEY)


def upload_statistics_table(stage: StageSettings) -> TableOptions:
    """Counters per day and content type, and the markers that make each count exactly once."""
    contract = load_contract("events")
    return _table(stage, contract.STATISTICS_PARTITION_KEY, contract.STATISTICS_SORT_KEY)
