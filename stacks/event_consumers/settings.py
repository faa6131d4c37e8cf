"""The event consumers' own per-stage settings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventConsumerSettings:
    """
    :param memory_size: each function's memory (MB): a batch of ten DynamoDB writes needs
        little, and 256 MB gets a share of CPU that keeps the cold start short.
    :param timeout_seconds: each function's timeout: room for a batch of ten whose DynamoDB
        calls each use their three attempts (2 s to connect, 5 s to read) and a counter
        transaction retried after conflicts; the queues' visibility timeout is six times it
        (``VISIBILITY_TIMEOUT_SECONDS``).
    :param maximum_concurrency: concurrent invocations per queue: two in the sandbox (its
        account often has a concurrency quota of 10); more in production.
    :param table_deletion_protection: the consumers' tables refuse deletion while on.
    """

    memory_size: int
    timeout_seconds: int
    maximum_concurrency: int
    table_deletion_protection: bool


#: The subscriber queues' visibility timeout: six times the functions' longest timeout,
#: AWS's advice for Lambda consumers (FanOut checks it).
VISIBILITY_TIMEOUT_SECONDS = 180

SETTINGS = {
    "sandbox": EventConsumerSettings(
        memory_size=256, timeout_seconds=30, maximum_concurrency=2, table_deletion_protection=False
    ),
    "production": EventConsumerSettings(
        memory_size=256, timeout_seconds=30, maximum_concurrency=10, table_deletion_protection=True
    ),
}
