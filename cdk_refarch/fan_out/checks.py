"""FanOut's cross-field input checks, in one function called before anything is built."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from aws_cdk import Token
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms

from cdk_refarch.core.errors import require
from cdk_refarch.core.names import pascal
from cdk_refarch.core.validation import check_bool
from cdk_refarch.fan_out.monitoring import FanOutAlarmOptions
from cdk_refarch.fan_out.options import VISIBILITY_PER_TIMEOUT, FilterPolicy, QueueConsumer, QueueOptions

# Queue names become construct IDs: letters, digits, hyphens and underscores.
_QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def check_fan_out(
    *,
    queues: Mapping[str, QueueOptions],
    filter_policies: Mapping[str, FilterPolicy],
    consumers: Mapping[str, QueueConsumer],
    fifo: bool,
    content_based_deduplication: bool | None,
    publishers: Sequence[iam.IPrincipal],
    existing_key: kms.IKey | None,
    alarms: FanOutAlarmOptions,
) -> None:
    """Every rule on FanOut's input that concerns more than one field, or a plain
    (non-dataclass) property."""
    check_bool("fifo", fifo)
    if content_based_deduplication is not None:
        check_bool("content_based_deduplication", content_based_deduplication)
        require(
            fifo or not content_based_deduplication,
            "content_based_deduplication=True needs fifo=True: only FIFO topics and queues deduplicate",
        )
    _check_queues(queues, fifo)
    known = ", ".join(sorted(queues))
    for prop, by_queue, kind in (
        ("filter_policies", filter_policies, FilterPolicy),
        ("consumers", consumers, QueueConsumer),
    ):
        require(isinstance(by_queue, Mapping), f"{prop} ({by_queue!r}) must map queue names to {kind.__name__}s")
        for name, value in by_queue.items():
            require(name in queues, f"{prop} names {name!r}, which is not a queue; queues: {known}")
            require(isinstance(value, kind), f"{prop}[{name!r}] ({value!r}) must be a {kind.__name__}")
    for name, consumer in consumers.items():
        _check_consumer(name, consumer, queues[name], queues[name].is_fifo(fifo))
    for principal in publishers:
        require(
            hasattr(principal, "policy_fragment"),
            f"publishers entry ({principal!r}) must be an iam.IPrincipal, e.g. a role or "
            "iam.ServicePrincipal('events.amazonaws.com')",
        )
    _check_key(existing_key)
    for name, options in queues.items():
        require(
            alarms.oldest_message_age_seconds < options.retention_seconds,
            f"oldest_message_age_seconds ({alarms.oldest_message_age_seconds}) must be below the retention of "
            f"queue {name!r} ({options.retention_seconds} s): a message expires before it grows that old",
        )


def check_added_consumer(
    name: object, consumer: object, *, queues: Mapping[str, QueueOptions], fifo: bool, consumed: Sequence[str]
) -> None:
    """The rules on ``FanOut.add_consumer``: the same as for the ``consumers`` prop, and
    one consumer per queue (a second event source mapping would split its messages)."""
    require(name in queues, f"queue_name ({name!r}) is not a queue; queues: {', '.join(sorted(queues))}")
    require(isinstance(consumer, QueueConsumer), f"consumer ({consumer!r}) must be a QueueConsumer")
    assert isinstance(name, str) and isinstance(consumer, QueueConsumer)  # checked above
    require(
        name not in consumed,
        f"queue {name!r} already has a consumer: a second one would take half of its messages",
    )
    _check_consumer(name, consumer, queues[name], queues[name].is_fifo(fifo))


def _check_queues(queues: Mapping[str, QueueOptions], fifo: bool) -> None:
    require(
        isinstance(queues, Mapping) and len(queues) > 0,
        "queues must name at least one queue, e.g. queues={'orders': QueueOptions()}",
    )
    ids: dict[str, str] = {}
    for name, options in queues.items():
        require(
            isinstance(name, str) and bool(_QUEUE_NAME.fullmatch(name)),
            f"queue name ({name!r}) must be 1 to 64 letters, digits, hyphens or underscores",
        )
        other = ids.setdefault(pascal(name), name)
        require(
            other == name,
            f"queue names {other!r} and {name!r} give the same construct ID {pascal(name)!r}: rename one",
        )
        require(isinstance(options, QueueOptions), f"queues[{name!r}] ({options!r}) must be a QueueOptions")
        require(
            fifo or options.fifo is not True,
            f"queue {name!r} has fifo=True, but the topic is standard (fifo=False): SNS delivers to FIFO "
            "queues from FIFO topics only; pass fifo=True to FanOut",
        )
        require(
            not fifo or options.fifo is not False or options.unordered_under_fifo_topic,
            f"queue {name!r} is standard (fifo=False) under a FIFO topic: it would get the topic's messages "
            "without order or deduplication; leave fifo=None to follow the topic, or pass "
            "unordered_under_fifo_topic=True if the queue needs every message but not their order",
        )


def _check_consumer(name: str, consumer: QueueConsumer, options: QueueOptions, fifo: bool) -> None:
    if fifo:
        require(
            consumer.batch_size <= 10,
            f"batch_size ({consumer.batch_size}) must be from 1 to 10 for FIFO queue {name!r}",
        )
        require(
            consumer.max_batching_window_seconds == 0,
            f"max_batching_window_seconds ({consumer.max_batching_window_seconds}) must be 0 for FIFO queue "
            f"{name!r}: Lambda takes no batching window on FIFO queues",
        )
    timeout = consumer.timeout_seconds
    needed = VISIBILITY_PER_TIMEOUT * timeout
    require(
        options.visibility_timeout_seconds >= needed,
        f"visibility_timeout_seconds ({options.visibility_timeout_seconds}) must be at least "
        f"{VISIBILITY_PER_TIMEOUT} x the consumer's timeout ({timeout} s) = {needed} for queue {name!r} "
        "(AWS's advice, so Lambda can retry a throttled batch before its messages reappear)",
    )


def _check_key(key: kms.IKey | None) -> None:
    """Refuse an AWS managed key (``alias/aws/...``): SNS cannot use it (aws-cdk #19796)."""
    if key is None:
        return
    names = [getattr(key, "alias_name", None), key.key_arn]
    managed = [n for n in names if isinstance(n, str) and not Token.is_unresolved(n) and "alias/aws/" in n]
    require(
        not managed,
        f"existing_key ({managed[0] if managed else ''!r}) is an AWS managed key, whose policy SNS cannot use: "
        "pass a customer managed key (aws-cdk #19796)",
    )
