"""The consumers' tables (``runtime/events/contract.py`` keys), built in the stateful
fan-out stack: point-in-time recovery on, TTL on the contract's expiry attribute."""

from __future__ import annotations

from aws_cdk import aws_dynamodb as dynamodb

from cdk_refarch.dynamo_table import TableOptions
from stacks.contracts import load_contract
from stacks.event_consumers.settings import SETTINGS
from stacks.stages import StageSettings, for_stage


def _string(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


def event_log_table(stage: StageSettings) -> TableOptions:
    """One item per event: a day of one stream is one partition, in time order."""
    contract = load_contract("events")
    return TableOptions(
        partition_key=_string(contract.EVENT_LOG_PARTITION_KEY),
        sort_key=_string(contract.EVENT_LOG_SORT_KEY),
        time_to_live_attribute=contract.EXPIRY_ATTRIBUTE,
        deletion_protection=for_stage(SETTINGS, stage).table_deletion_protection,
    )


def upload_statistics_table(stage: StageSettings) -> TableOptions:
    """Counters per day and content type, and the markers that make each count exactly once."""
    contract = load_contract("events")
    return TableOptions(
        partition_key=_string(contract.STATISTICS_PARTITION_KEY),
        sort_key=_string(contract.STATISTICS_SORT_KEY),
        time_to_live_attribute=contract.EXPIRY_ATTRIBUTE,
        deletion_protection=for_stage(SETTINGS, stage).table_deletion_protection,
    )
