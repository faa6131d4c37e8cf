"""FanOut refuses bad input at synth, naming the property, the value and what is allowed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns

from cdk_refarch import PatternConfigError
from cdk_refarch.fan_out import FanOut, FanOutAlarmOptions, FilterPolicy, QueueConsumer, QueueOptions
from tests.cdk_refarch.fan_out.variants import ENV, consumer_function
from tests.synthesis import CDK_CONTEXT

TWO_QUEUES = {"orders": QueueOptions(), "audit": QueueOptions()}


def _raises(message: str) -> Any:
    return pytest.raises(PatternConfigError, match=re.escape(message))


def _stack() -> Stack:
    return Stack(App(context=CDK_CONTEXT), "T", env=ENV)


def _fan_out(stack: Stack | None = None, **props: Any) -> FanOut:
    props.setdefault("queues", TWO_QUEUES)
    return FanOut(stack or _stack(), "FanOut", **props)


def _function(stack: Stack, timeout_seconds: int = 3) -> lambda_.Function:
    return consumer_function(stack, "Consumer", timeout_seconds=timeout_seconds)


# Queues.


@pytest.mark.parametrize("queues", [{}, None, ["orders"]])
def test_no_queues(queues: Any) -> None:
    with _raises("queues must name at least one queue, e.g. queues={'orders': QueueOptions()}"):
        _fan_out(queues=queues)


@pytest.mark.parametrize("name", ["bad name", "", "a/b", "orders.fifo", "x" * 65, 7])
def test_bad_queue_names(name: Any) -> None:
    with _raises(f"queue name ({name!r}) must be 1 to 64 letters, digits, hyphens or underscores"):
        _fan_out(queues={name: QueueOptions()})


def test_queue_names_giving_the_same_construct_id() -> None:
    with _raises("queue names 'order-events' and 'order_events' give the same construct ID 'OrderEvents'"):
        _fan_out(queues={"order-events": QueueOptions(), "order_events": QueueOptions()})


def test_queue_options_of_the_wrong_type() -> None:
    with _raises("queues['orders'] ({'fifo': True}) must be a QueueOptions"):
        _fan_out(queues={"orders": {"fifo": True}})


@pytest.mark.parametrize("count", [0, 1001, True, 5.0])
def test_max_receive_count_outside_sqs_range(count: Any) -> None:
    with _raises(f"max_receive_count ({count!r}) must be an integer from 1 to 1000"):
        QueueOptions(max_receive_count=count)


@pytest.mark.parametrize("days", [0, 15, 1 / 2000, -1, float("nan"), float("inf"), True, "4"])
def test_retention_outside_sqs_range(days: Any) -> None:
    with _raises(f"retention_days ({days!r}) must be from 1 minute (1/1440) to 14 days"):
        QueueOptions(retention_days=days)


def test_retention_edges_are_accepted() -> None:
    assert QueueOptions(retention_days=1 / 1440).retention_seconds == 60
    assert QueueOptions(retention_days=14).retention_seconds == 1_209_600


@pytest.mark.parametrize(
    ("prop", "value", "message"),
    [
        (
            "visibility_timeout_seconds",
            43201,
            "visibility_timeout_seconds (43201) must be an integer from 0 to 43200 s",
        ),
        ("visibility_timeout_seconds", -1, "visibility_timeout_seconds (-1) must be an integer from 0 to 43200 s"),
        ("receive_wait_seconds", 21, "receive_wait_seconds (21) must be an integer from 0 to 20 s"),
        ("raw_message_delivery", "yes", "raw_message_delivery ('yes') must be True or False"),
        ("fifo", 1, "fifo (1) must be True or False"),
        ("unordered_under_fifo_topic", "yes", "unordered_under_fifo_topic ('yes') must be True or False"),
    ],
)
def test_queue_numbers_and_switches(prop: str, value: Any, message: str) -> None:
    with _raises(message):
        QueueOptions(**{prop: value})


# Standard and FIFO.


def test_fifo_queue_under_a_standard_topic() -> None:
    with _raises(
        "queue 'audit' has fifo=True, but the topic is standard (fifo=False): SNS delivers to FIFO queues "
        "from FIFO topics only; pass fifo=True to FanOut"
    ):
        _fan_out(queues={"orders": QueueOptions(), "audit": QueueOptions(fifo=True)})


def test_standard_queue_under_a_fifo_topic() -> None:
    with _raises(
        "queue 'audit' is standard (fifo=False) under a FIFO topic: it would get the topic's messages without "
        "order or deduplication; leave fifo=None to follow the topic, or pass unordered_under_fifo_topic=True "
        "if the queue needs every message but not their order"
    ):
        _fan_out(fifo=True, queues={"orders": QueueOptions(), "audit": QueueOptions(fifo=False)})


def test_standard_queue_under_a_fifo_topic_when_meant() -> None:
    # SNS FIFO topics deliver to standard queues too (best-effort order, at least once).
    audit = QueueOptions(fifo=False, unordered_under_fifo_topic=True)
    fan_out = _fan_out(fifo=True, queues={"orders": QueueOptions(), "audit": audit})
    assert fan_out.queues["orders"].fifo and not fan_out.queues["audit"].fifo
    assert fan_out.delivery_dead_letter_queue.fifo  # a FIFO topic's subscriptions take a FIFO DLQ


def test_content_based_deduplication_on_a_standard_topic() -> None:
    with _raises("content_based_deduplication=True needs fifo=True: only FIFO topics and queues deduplicate"):
        _fan_out(content_based_deduplication=True)


@pytest.mark.parametrize(("prop", "value"), [("fifo", "yes"), ("content_based_deduplication", 1)])
def test_topic_switches_are_booleans(prop: str, value: Any) -> None:
    with _raises(f"{prop} ({value!r}) must be True or False"):
        _fan_out(**{prop: value})


# Filter policies.


def test_filter_policy_naming_an_unknown_queue() -> None:
    with _raises("filter_policies names 'bills', which is not a queue; queues: audit, orders"):
        _fan_out(filter_policies={"bills": FilterPolicy({"event": ["paid"]})})


def test_filter_policies_not_a_mapping() -> None:
    with _raises("filter_policies ([]) must map queue names to FilterPolicys"):
        _fan_out(filter_policies=[])


def test_filter_policy_of_the_wrong_type() -> None:
    with _raises("filter_policies['orders'] ({'event': ['paid']}) must be a FilterPolicy"):
        _fan_out(filter_policies={"orders": {"event": ["paid"]}})


@pytest.mark.parametrize(
    ("policy", "scope", "message"),
    [
        ({}, "MessageAttributes", "filter policy must be a non-empty mapping of keys to lists of values"),
        (["event"], "MessageAttributes", "filter policy must be a non-empty mapping of keys to lists of values"),
        (
            {k: ["x"] for k in "abcdef"},
            "MessageAttributes",
            "filter policy has 6 keys (a, b, c, d, e, f): SNS allows at most 5",
        ),
        (
            {"a": list(range(10)), "b": list(range(16))},
            "MessageAttributes",
            "filter policy has 160 combinations of values: SNS allows at most 150",
        ),
        (
            {"order": {"total": [1]}},
            "MessageAttributes",
            "filter policy key 'order' holds an object: only scope 'MessageBody' nests, attribute policies are flat",
        ),
        ({"order": {}}, "MessageBody", "filter policy under 'order' must be a non-empty mapping"),
        ({"event": []}, "MessageAttributes", "filter policy key 'event' ([]) must hold a non-empty list of values"),
        ({"event": "paid"}, "MessageAttributes", "filter policy key 'event' ('paid') must hold a non-empty list"),
        ({"": ["x"]}, "MessageAttributes", "filter policy key ('') must be a non-empty string"),
        (
            {"amount": [2e9]},
            "MessageAttributes",
            "filter policy key 'amount' has the number 2000000000.0: SNS matches numbers "
            "from -1000000000 to 1000000000",
        ),
        (
            {"order": {"id": [{"wildcard": "a*"}]}},
            "MessageBody",
            "filter policy key 'order.id' uses the operator 'wildcard': SNS knows anything-but, cidr, "
            "equals-ignore-case, exists, numeric, prefix, suffix",
        ),
        (
            {"event": [{"prefix": "a", "suffix": "b"}]},
            "MessageAttributes",
            "filter policy key 'event' has {'prefix': 'a', 'suffix': 'b'}: a value is a string, a number",
        ),
        ({"event": [{"exists": "yes"}]}, "MessageAttributes", "key 'event' has a bad 'exists' operand ('yes')"),
        ({"event": [{"prefix": ""}]}, "MessageAttributes", "key 'event' has a bad 'prefix' operand ('')"),
        ({"ip": [{"cidr": "10.0.0.300/8"}]}, "MessageAttributes", "key 'ip' has a bad 'cidr' operand"),
        ({"n": [{"numeric": [">", "a"]}]}, "MessageAttributes", "key 'n' has a bad 'numeric' operand"),
        ({"n": [{"numeric": ["=", 1, "<", 2]}]}, "MessageAttributes", "key 'n' has a bad 'numeric' operand"),
        ({"n": [{"numeric": [">", 1e10]}]}, "MessageAttributes", "key 'n' has a bad 'numeric' operand"),
        ({"n": [{"anything-but": []}]}, "MessageAttributes", "key 'n' has a bad 'anything-but' operand ([])"),
        ({"$or": [{"a": ["x"]}]}, "MessageAttributes", "filter policy '$or' must be a list of at least two policies"),
    ],
)
def test_filter_policies_sns_would_refuse(policy: Any, scope: str, message: str) -> None:
    with _raises(message):
        FilterPolicy(policy, scope=scope)  # type: ignore[arg-type]


def test_filter_policy_scope() -> None:
    with _raises("filter policy scope ('Body') must be 'MessageAttributes' or 'MessageBody'"):
        FilterPolicy({"event": ["paid"]}, scope="Body")  # type: ignore[arg-type]


def test_filter_policy_over_256_kb() -> None:
    with _raises("filter policy is 262158 bytes: SNS allows at most 262144"):
        FilterPolicy({"event": ["x" * 262_144]})


def test_filter_policies_sns_accepts() -> None:
    FilterPolicy({k: ["x"] for k in "abcde"})  # five keys
    FilterPolicy({"a": list(range(10)), "b": list(range(15))})  # 150 combinations
    FilterPolicy(
        {
            "order": {"total": [{"numeric": [">=", 0, "<", 100]}], "id": [{"prefix": "o-"}, {"suffix": "-x"}]},
            "ip": [{"cidr": "10.0.0.0/24"}],
            "tag": [{"anything-but": {"prefix": "test"}}, {"equals-ignore-case": "Shop"}, None, True],
            "$or": [{"kind": ["a"]}, {"kind": [{"exists": False}]}],
        },
        scope="MessageBody",
    )


# Consumers.


def test_consumer_naming_an_unknown_queue() -> None:
    stack = _stack()
    with _raises("consumers names 'bills', which is not a queue; queues: audit, orders"):
        _fan_out(stack, consumers={"bills": QueueConsumer(_function(stack))})


def test_consumer_function_must_be_a_function_of_this_app() -> None:
    stack = _stack()
    imported = lambda_.Function.from_function_name(stack, "Imported", "orders-consumer")
    with _raises("must be a lambda_.Function of this app: its timeout and role are read"):
        QueueConsumer(imported)  # type: ignore[arg-type]


def test_visibility_timeout_below_six_times_the_consumer_timeout() -> None:
    stack = _stack()
    with _raises(
        "visibility_timeout_seconds (30) must be at least 6 x the consumer's timeout (10 s) = 60 for queue 'orders'"
    ):
        _fan_out(stack, consumers={"orders": QueueConsumer(_function(stack, timeout_seconds=10))})


def test_added_consumer_naming_an_unknown_queue() -> None:
    stack = _stack()
    fan_out = _fan_out(stack)
    with _raises("queue_name ('bills') is not a queue; queues: audit, orders"):
        fan_out.add_consumer("bills", QueueConsumer(_function(stack)))


def test_added_consumer_must_be_a_queue_consumer() -> None:
    stack = _stack()
    fan_out = _fan_out(stack)
    with _raises("consumer ('f') must be a QueueConsumer"):
        fan_out.add_consumer("orders", "f")  # type: ignore[arg-type]


def test_a_queue_takes_one_consumer() -> None:
    stack = _stack()
    fan_out = _fan_out(stack, consumers={"orders": QueueConsumer(_function(stack))})
    other = consumer_function(stack, "Second", timeout_seconds=3)
    with _raises("queue 'orders' already has a consumer: a second one would take half of its messages"):
        fan_out.add_consumer("orders", QueueConsumer(other))


def test_added_consumer_visibility_timeout_rule() -> None:
    stack = _stack()
    fan_out = _fan_out(stack)
    with _raises(
        "visibility_timeout_seconds (30) must be at least 6 x the consumer's timeout (10 s) = 60 for queue 'audit'"
    ):
        fan_out.add_consumer("audit", QueueConsumer(_function(stack, timeout_seconds=10)))


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"batch_size": 0}, "batch_size (0) must be an integer from 1 to 10000"),
        (
            {"batch_size": 10001, "max_batching_window_seconds": 1},
            "batch_size (10001) must be an integer from 1 to 10000",
        ),
        (
            {"batch_size": 11},
            "batch_size (11) above 10 needs max_batching_window_seconds of at least 1 (it is 0): Lambda's rule for SQS",
        ),
        ({"max_batching_window_seconds": 301}, "max_batching_window_seconds (301) must be an integer from 0 to 300 s"),
        ({"max_batching_window_seconds": -1}, "max_batching_window_seconds (-1) must be an integer from 0 to 300 s"),
        ({"maximum_concurrency": 1}, "maximum_concurrency (1) must be an integer from 2 to 1000"),
        ({"maximum_concurrency": 1001}, "maximum_concurrency (1001) must be an integer from 2 to 1000"),
        ({"report_batch_item_failures": None}, "report_batch_item_failures (None) must be True or False"),
    ],
)
def test_consumer_numbers(props: dict[str, Any], message: str) -> None:
    stack = _stack()
    with _raises(message):
        QueueConsumer(_function(stack), **props)


def test_fifo_consumer_batch_size() -> None:
    stack = _stack()
    consumer = QueueConsumer(_function(stack), batch_size=20, max_batching_window_seconds=1)
    with _raises("batch_size (20) must be from 1 to 10 for FIFO queue 'orders'"):
        _fan_out(stack, fifo=True, consumers={"orders": consumer})


def test_fifo_consumer_batching_window() -> None:
    stack = _stack()
    consumer = QueueConsumer(_function(stack), max_batching_window_seconds=5)
    with _raises(
        "max_batching_window_seconds (5) must be 0 for FIFO queue 'orders': Lambda takes no batching window on FIFO"
    ):
        _fan_out(stack, fifo=True, consumers={"orders": consumer})


# Publishers, key, alarms.


def test_publisher_that_is_not_a_principal() -> None:
    with _raises("publishers entry ('arn:aws:iam::111111111111:role/app') must be an iam.IPrincipal"):
        _fan_out(publishers=["arn:aws:iam::111111111111:role/app"])


@pytest.mark.parametrize("alias", ["alias/aws/sqs", "alias/aws/sns"])
def test_aws_managed_key(alias: str) -> None:
    stack = _stack()
    key = kms.Alias.from_alias_name(stack, "Managed", alias)
    with _raises(f"existing_key ('{alias}') is an AWS managed key, whose policy SNS cannot use"):
        _fan_out(stack, existing_key=key)


def test_aws_managed_key_by_arn() -> None:
    stack = _stack()
    arn = "arn:aws:kms:eu-west-1:111111111111:alias/aws/sqs"
    with _raises(f"existing_key ('{arn}') is an AWS managed key"):
        _fan_out(stack, existing_key=kms.Key.from_key_arn(stack, "Managed", arn))


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"oldest_message_age_seconds": 59}, "oldest_message_age_seconds (59) must be an integer from 60 to 1209600 s"),
        ({"email": "ops"}, "email ('ops') must be an e-mail address such as 'ops@example.com'"),
    ],
)
def test_alarm_options(props: dict[str, Any], message: str) -> None:
    with _raises(message):
        FanOutAlarmOptions(**props)


def test_alarm_email_with_an_own_topic() -> None:
    topic = sns.Topic.from_topic_arn(_stack(), "Ops", "arn:aws:sns:eu-west-1:111111111111:ops")
    with _raises("email is only used with the topic created here; subscribe it to your own topic instead"):
        FanOutAlarmOptions(topic=topic, email="ops@example.com")


def test_oldest_message_age_beyond_a_queue_retention() -> None:
    with _raises(
        "oldest_message_age_seconds (3600) must be below the retention of queue 'audit' (3600 s): "
        "a message expires before it grows that old"
    ):
        _fan_out(
            queues={"orders": QueueOptions(), "audit": QueueOptions(retention_days=1 / 24)},
            alarms=FanOutAlarmOptions(oldest_message_age_seconds=3600),
        )
