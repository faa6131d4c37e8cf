"""Typed options for ``FanOut``; each checks its own input when it is built."""

from __future__ import annotations

import ipaddress
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from aws_cdk import aws_lambda as lambda_

from cdk_refarch.core.errors import require
from cdk_refarch.core.validation import check_bool, check_int

#: SQS keeps a message from 1 minute to 14 days (MessageRetentionPeriod, in seconds).
RETENTION_SECONDS = (60, 14 * 86_400)
#: Lambda invokes a consumer with the default timeout when the function sets none.
LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3
#: AWS's advice: a queue's visibility timeout at least six times its consumer's timeout,
#: so Lambda can retry a throttled batch before the messages reappear.
VISIBILITY_PER_TIMEOUT = 6

FilterScope = Literal["MessageAttributes", "MessageBody"]
FILTER_SCOPES: tuple[str, ...] = ("MessageAttributes", "MessageBody")
#: SNS's filter policy limits: top-level keys, combinations of values, size, numbers.
MAX_FILTER_KEYS = 5
MAX_FILTER_COMBINATIONS = 150
MAX_FILTER_BYTES = 256 * 1024
FILTER_NUMBER_LIMIT = 1_000_000_000
FILTER_OPERATORS = ("anything-but", "cidr", "equals-ignore-case", "exists", "numeric", "prefix", "suffix")
_COMPARISONS = ("<", "<=", "=", ">", ">=")


@dataclass(frozen=True)
class QueueOptions:
    """One subscriber queue, with its own dead-letter queue.

    :param max_receive_count: receives before SQS moves a message to the queue's DLQ.
    :param retention_days: how long SQS keeps a message: 1 minute (1/1440) to 14 days.
    :param visibility_timeout_seconds: how long a received message stays hidden.
    :param receive_wait_seconds: long polling: a receive waits up to this for a message.
    :param raw_message_delivery: the published body alone, without SNS's JSON envelope.
    :param fifo: ``None`` follows the topic. ``False`` under a FIFO topic is refused
        unless ``unordered_under_fifo_topic`` says it is meant: such a queue gets the
        topic's messages without order or deduplication, which SNS allows but which
        defeats the reason for a FIFO topic.
    :param unordered_under_fifo_topic: accept a standard queue under a FIFO topic (an
        audit or analytics queue that needs every message but not their order).
    """

    max_receive_count: int = 5
    retention_days: float = 4
    visibility_timeout_seconds: int = 30
    receive_wait_seconds: int = 20
    raw_message_delivery: bool = False
    fifo: bool | None = None
    unordered_under_fifo_topic: bool = False

    def __post_init__(self) -> None:
        check_int("max_receive_count", self.max_receive_count, minimum=1, maximum=1000)
        days = self.retention_days
        seconds = round(days * 86_400) if _is_number(days) and abs(days) <= 15 else None
        require(
            seconds is not None and RETENTION_SECONDS[0] <= seconds <= RETENTION_SECONDS[1],
            f"retention_days ({days!r}) must be from 1 minute (1/1440) to 14 days: SQS keeps messages "
            "60 seconds to 14 days",
        )
        check_int("visibility_timeout_seconds", self.visibility_timeout_seconds, minimum=0, maximum=43_200, unit="s")
        check_int("receive_wait_seconds", self.receive_wait_seconds, minimum=0, maximum=20, unit="s")
        check_bool("raw_message_delivery", self.raw_message_delivery)
        if self.fifo is not None:
            check_bool("fifo", self.fifo)
        check_bool("unordered_under_fifo_topic", self.unordered_under_fifo_topic)

    @property
    def retention_seconds(self) -> int:
        return round(self.retention_days * 86_400)

    def is_fifo(self, topic_fifo: bool) -> bool:
        """Whether the queue is FIFO under a topic that is (or is not)."""
        return topic_fifo if self.fifo is None else self.fifo


@dataclass(frozen=True)
class QueueConsumer:
    """A Lambda function that consumes one queue (an SQS event source mapping).

    :param function: a function of this app; its timeout sets the queue's minimum
        visibility timeout, and its role gets exactly what consuming needs.
    :param batch_size: messages per invocation: 1..10 on a FIFO queue, 1..10000 on a
        standard one (above 10 only with a batching window).
    :param max_batching_window_seconds: how long Lambda gathers a batch (0..300; standard
        queues only).
    :param maximum_concurrency: at most this many concurrent invocations (2..1000).
    :param report_batch_item_failures: the function may return the failed messages only,
        so one bad message does not send the whole batch back.
    """

    function: lambda_.Function
    batch_size: int = 10
    max_batching_window_seconds: int = 0
    maximum_concurrency: int | None = None
    report_batch_item_failures: bool = True

    def __post_init__(self) -> None:
        require(
            isinstance(self.function, lambda_.Function),
            f"function ({self.function!r}) must be a lambda_.Function of this app: its timeout and role are read",
        )
        check_int("batch_size", self.batch_size, minimum=1, maximum=10_000)
        check_int("max_batching_window_seconds", self.max_batching_window_seconds, minimum=0, maximum=300, unit="s")
        require(
            self.batch_size <= 10 or self.max_batching_window_seconds >= 1,
            f"batch_size ({self.batch_size}) above 10 needs max_batching_window_seconds of at least 1 "
            f"(it is {self.max_batching_window_seconds}): Lambda's rule for SQS",
        )
        if self.maximum_concurrency is not None:
            check_int("maximum_concurrency", self.maximum_concurrency, minimum=2, maximum=1000)
        check_bool("report_batch_item_failures", self.report_batch_item_failures)

    @property
    def timeout_seconds(self) -> int:
        timeout = self.function.timeout
        return int(timeout.to_seconds()) if timeout is not None else LAMBDA_DEFAULT_TIMEOUT_SECONDS


@dataclass(frozen=True)
class FilterPolicy:
    """A subscription filter policy, as SNS's JSON, on the message attributes (flat) or
    on the message body (may nest), e.g. ``FilterPolicy({"event": ["order_placed"]})``.

    Checked as SNS would: at most 5 top-level keys, at most 150 combinations of values,
    256 KB, numbers within +-1e9, and only SNS's operators (anything-but, cidr,
    equals-ignore-case, exists, numeric, prefix, suffix; ``$or``).
    """

    policy: Mapping[str, Any]
    scope: FilterScope = "MessageAttributes"

    def __post_init__(self) -> None:
        require(
            self.scope in FILTER_SCOPES,
            f"filter policy scope ({self.scope!r}) must be 'MessageAttributes' or 'MessageBody'",
        )
        combinations = _walk(self.policy, self.scope, path="", top=True)
        require(
            combinations <= MAX_FILTER_COMBINATIONS,
            f"filter policy has {combinations} combinations of values: SNS allows at most "
            f"{MAX_FILTER_COMBINATIONS} (the product of the lengths of its value lists)",
        )
        size = len(json.dumps(self.policy, separators=(",", ":")).encode())
        require(size <= MAX_FILTER_BYTES, f"filter policy is {size} bytes: SNS allows at most {MAX_FILTER_BYTES}")
        # A copy, so that changing the caller's dict later cannot bypass the checks.
        object.__setattr__(self, "policy", json.loads(json.dumps(self.policy)))


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _walk(node: object, scope: str, *, path: str, top: bool) -> int:
    """Check one level of a policy; the number of combinations of values under it."""
    where = f" under '{path}'" if path else ""
    require(
        isinstance(node, Mapping) and len(node) > 0,
        f"filter policy{where} must be a non-empty mapping of keys to lists of values, e.g. {{'event': ['created']}}",
    )
    assert isinstance(node, Mapping)
    keys = [key for key in node if key != "$or"]
    if top:
        require(
            len(keys) <= MAX_FILTER_KEYS,
            f"filter policy has {len(keys)} keys ({', '.join(map(str, keys))}): SNS allows at most {MAX_FILTER_KEYS}",
        )
    combinations = 1
    for key, value in node.items():
        require(isinstance(key, str) and key != "", f"filter policy key ({key!r}) must be a non-empty string")
        name = f"{path}.{key}" if path else key
        if key == "$or":
            require(
                isinstance(value, list) and len(value) >= 2,
                f"filter policy '$or'{where} must be a list of at least two policies",
            )
            combinations *= max(_walk(branch, scope, path=path, top=top) for branch in value)
        elif isinstance(value, Mapping):
            require(
                scope == "MessageBody",
                f"filter policy key '{name}' holds an object: only scope 'MessageBody' nests, "
                "attribute policies are flat",
            )
            combinations *= _walk(value, scope, path=name, top=False)
        else:
            require(
                isinstance(value, list) and len(value) > 0,
                f"filter policy key '{name}' ({value!r}) must hold a non-empty list of values, e.g. ['created']",
            )
            for condition in value:
                _check_condition(name, condition)
            combinations *= len(value)
    return combinations


def _check_condition(name: str, condition: object) -> None:
    if condition is None or isinstance(condition, (bool, str)):
        return
    if isinstance(condition, (int, float)):
        require(
            _is_filter_number(condition),
            f"filter policy key '{name}' has the number {condition!r}: SNS matches numbers "
            f"from -{FILTER_NUMBER_LIMIT} to {FILTER_NUMBER_LIMIT}",
        )
        return
    require(
        isinstance(condition, Mapping) and len(condition) == 1,
        f"filter policy key '{name}' has {condition!r}: a value is a string, a number, true, false, null "
        "or one operator such as {'prefix': 'order-'}",
    )
    assert isinstance(condition, Mapping)
    ((operator, operand),) = condition.items()
    require(
        operator in FILTER_OPERATORS,
        f"filter policy key '{name}' uses the operator {operator!r}: SNS knows {', '.join(FILTER_OPERATORS)}",
    )
    check, takes = _OPERANDS[operator]
    require(
        check(operand), f"filter policy key '{name}' has a bad {operator!r} operand ({operand!r}): it takes {takes}"
    )


def _is_filter_number(value: object) -> bool:
    return _is_number(value) and abs(value) <= FILTER_NUMBER_LIMIT  # type: ignore[arg-type]


def _is_text(value: object) -> bool:
    return isinstance(value, str) and value != ""


def _is_cidr(value: object) -> bool:
    try:
        ipaddress.ip_network(value, strict=False)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return isinstance(value, str) and "/" in value


def _is_range(value: object) -> bool:
    if not isinstance(value, list) or len(value) not in (2, 4):
        return False
    pairs = [value[i : i + 2] for i in range(0, len(value), 2)]
    if len(pairs) == 2 and "=" in (pairs[0][0], pairs[1][0]):
        return False
    return all(op in _COMPARISONS and _is_filter_number(number) for op, number in pairs)


def _is_anything_but(value: object) -> bool:
    if isinstance(value, Mapping):
        return len(value) == 1 and next(iter(value)) in ("prefix", "suffix") and _is_text(next(iter(value.values())))
    values = value if isinstance(value, list) else [value]
    return len(values) > 0 and all(isinstance(v, str) or _is_filter_number(v) for v in values)


#: Each operator's operand check, and what it takes.
_OPERANDS: dict[str, tuple[Callable[[object], bool], str]] = {
    "anything-but": (_is_anything_but, "a string, a number, a list of them, or {'prefix': ...} / {'suffix': ...}"),
    "cidr": (_is_cidr, "an IP network such as '10.0.0.0/24'"),
    "equals-ignore-case": (_is_text, "a non-empty string"),
    "exists": (lambda value: isinstance(value, bool), "true or false"),
    "numeric": (_is_range, "a comparison and a number, or two, e.g. ['>=', 0, '<', 100]"),
    "prefix": (_is_text, "a non-empty string"),
    "suffix": (_is_text, "a non-empty string"),
}
