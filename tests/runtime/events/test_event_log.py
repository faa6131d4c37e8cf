"""Behaviour of the event log Lambda through its real entry point, against DynamoDB (and SNS/SQS) in moto."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from tests.runtime.events.conftest import (
    CONTRACT,
    EVENT_LOG_MODULE,
    STREAM,
    TOPIC_ARN,
    Account,
    FakeLambdaContext,
    Invoke,
    LogLines,
    capture_logs,
    cold_start,
    emitted_metrics,
    envelope,
    failed_ids,
    invoker,
    sqs_record,
    throttled,
)

ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
NOTHING_FAILED = {"batchItemFailures": []}
DAY = 86_400


@pytest.fixture
def invoke(event_log: ModuleType) -> Invoke:
    return invoker(event_log)


@pytest.fixture
def log_lines(event_log: ModuleType) -> Iterator[LogLines]:
    yield from capture_logs(event_log)


def epoch(timestamp: str) -> int:
    return int(datetime.fromisoformat(timestamp).timestamp())


# -------------------------------------------------------------------- recorded events


def test_an_event_is_recorded_with_its_attributes_and_message(account: Account, invoke: Invoke) -> None:
    body = envelope(
        {"order_id": "o-1", "total": 12.5, "lines": [{"sku": "a", "quantity": 2}]},
        attributes={CONTRACT.EVENT_TYPE_ATTRIBUTE: "order.placed", "tenant": "t1", "priority": ("Number", "3")},
        timestamp="2026-11-02T10:00:00.123Z",
    )

    assert invoke(body) == NOTHING_FAILED

    [item] = account.items(account.event_log)
    assert ISO_UTC.fullmatch(item["received_at"])
    assert item == {
        "stream_day": f"{STREAM}#2026-11-02",
        "event_key": f"2026-11-02T10:00:00.123Z#{body['MessageId']}",
        "message_id": body["MessageId"],
        "topic_arn": TOPIC_ARN,
        "event_type": "order.placed",
        "attributes": {CONTRACT.EVENT_TYPE_ATTRIBUTE: "order.placed", "tenant": "t1", "priority": "3"},
        "message": {"order_id": "o-1", "total": Decimal("12.5"), "lines": [{"sku": "a", "quantity": 2}]},
        "received_at": item["received_at"],
        "expires_at": epoch("2026-11-02T10:00:00.123+00:00") + CONTRACT.DEFAULT_EVENT_RETENTION_DAYS * DAY,
    }
    assert set(item) == set(CONTRACT.EventLogItem.__annotations__)
    assert {CONTRACT.EVENT_LOG_PARTITION_KEY, CONTRACT.EVENT_LOG_SORT_KEY, CONTRACT.EXPIRY_ATTRIBUTE} <= set(item)


def test_an_event_without_event_type_is_recorded_without_it(account: Account, invoke: Invoke) -> None:
    assert invoke(envelope({"a": 1}), envelope({"b": 2}, attributes={"tenant": "t1"})) == NOTHING_FAILED

    items = sorted(account.items(account.event_log), key=lambda item: len(item["attributes"]))
    assert [item["attributes"] for item in items] == [{}, {"tenant": "t1"}]
    assert all("event_type" not in item for item in items)  # left out, not null: a sparse attribute


def test_an_event_type_that_is_not_a_string_attribute_is_not_the_event_type(account: Account, invoke: Invoke) -> None:
    types = ("String.Array", '["order.placed","order.paid"]')
    invoke(envelope("x", attributes={CONTRACT.EVENT_TYPE_ATTRIBUTE: types}))

    [item] = account.items(account.event_log)
    assert "event_type" not in item
    assert item["attributes"] == {CONTRACT.EVENT_TYPE_ATTRIBUTE: types[1]}


@pytest.mark.parametrize(
    "message",
    [
        "order placed",  # not JSON
        "",
        '["a JSON array"]',
        "42",
        '{"truncated": ',
        '{"big": 1e400}',  # beyond DynamoDB's numbers
        '{"precise": 1.00000000000000000000000000000000000000001}',  # more than 38 digits
        '{"nan": NaN}',
        '{"": "an empty name"}',
        '{"a": ' * 32 + "1" + "}" * 32,  # deeper than DynamoDB's 32 levels
    ],
    ids=["text", "empty", "array", "number", "truncated", "huge", "precise", "nan", "empty-name", "deep"],
)
def test_a_message_that_is_no_storable_json_object_is_kept_as_the_string_sent(
    account: Account, invoke: Invoke, message: str
) -> None:
    assert invoke(envelope(message)) == NOTHING_FAILED

    [item] = account.items(account.event_log)
    assert item["message"] == message


def test_a_message_just_within_dynamodb_s_nesting_is_stored_as_a_map(account: Account, invoke: Invoke) -> None:
    message = '{"a": ' * 31 + "1" + "}" * 31

    invoke(envelope(message))

    [item] = account.items(account.event_log)
    assert item["message"] == json.loads(message)


def test_the_stream_day_is_the_utc_day_of_the_sns_timestamp(account: Account, invoke: Invoke) -> None:
    last, first, offset = (
        envelope("last", timestamp="2026-11-02T23:59:59.999Z"),
        envelope("first", timestamp="2026-11-03T00:00:00.000Z"),
        envelope("offset", timestamp="2026-11-03T00:30:00+01:00"),  # 23:30 UTC on the 2nd
    )

    invoke(last, first, offset)

    keys = {item["message"]: (item["stream_day"], item["event_key"]) for item in account.items(account.event_log)}
    assert keys == {
        "last": (f"{STREAM}#2026-11-02", f"2026-11-02T23:59:59.999Z#{last['MessageId']}"),
        "first": (f"{STREAM}#2026-11-03", f"2026-11-03T00:00:00.000Z#{first['MessageId']}"),
        "offset": (f"{STREAM}#2026-11-02", f"2026-11-02T23:30:00.000Z#{offset['MessageId']}"),
    }


def test_a_day_of_one_stream_is_one_query_in_time_order(account: Account, invoke: Invoke) -> None:
    times = ["2026-11-02T12:00:00.000Z", "2026-11-02T09:30:00.500Z", "2026-11-02T09:30:00.050Z", "2026-11-01T23:00Z"]
    invoke(*(envelope(t, timestamp=t) for t in times))

    found = account.event_log.query(KeyConditionExpression=Key("stream_day").eq(f"{STREAM}#2026-11-02"))["Items"]

    assert [item["message"] for item in found] == sorted(times[:3])


def test_the_item_expires_after_the_retention_from_the_sns_timestamp(
    account: Account, event_log: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CONTRACT.ENV_EVENT_RETENTION_DAYS, "7")
    with cold_start(EVENT_LOG_MODULE) as handler:
        invoker(handler)(envelope("kept a week", timestamp="2026-11-02T10:00:00.999Z"))

    [item] = account.items(account.event_log)
    assert item["expires_at"] == epoch("2026-11-02T10:00:00+00:00") + 7 * DAY


def test_the_logs_carry_the_sqs_message_and_the_sns_message(
    account: Account, invoke: Invoke, log_lines: LogLines
) -> None:
    body = envelope("x", attributes={CONTRACT.EVENT_TYPE_ATTRIBUTE: "order.placed"})

    invoke(body)

    [line] = [line for line in log_lines() if line["message"] == "event recorded"]
    assert line["correlation_id"] == body["MessageId"]
    assert (line["stream_day"], line["event_type"]) == (f"{STREAM}#2026-11-02", "order.placed")
    assert line["message_id"] and line["function_name"] == "events-consumer"


def test_what_sns_delivers_is_recorded(account: Account, invoke: Invoke) -> None:
    """The envelope of moto's SNS, not a hand-made one, with every attribute type."""
    body = account.delivered(
        '{"order_id": "o-7"}',
        {
            CONTRACT.EVENT_TYPE_ATTRIBUTE: {"DataType": "String", "StringValue": "order.placed"},
            "amount": {"DataType": "Number", "StringValue": "19.99"},
            "tags": {"DataType": "String.Array", "StringValue": '["a", "b"]'},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    )

    assert invoke(body) == NOTHING_FAILED

    [item] = account.items(account.event_log)
    sent = json.loads(body)
    assert item["event_key"] == f"{sent['Timestamp']}#{sent['MessageId']}"
    assert item["event_type"] == "order.placed" and item["message"] == {"order_id": "o-7"}
    assert item["attributes"] == {
        CONTRACT.EVENT_TYPE_ATTRIBUTE: "order.placed",
        "amount": "19.99",
        "tags": '["a", "b"]',
        "blob": "AAE=",  # base64, as SNS sends a Binary value
    }


# ------------------------------------------------------------------------ duplicates


def test_the_same_notification_twice_in_one_batch_is_recorded_once(
    account: Account, invoke: Invoke, capsys: pytest.CaptureFixture[str]
) -> None:
    body = envelope({"a": 1})

    assert invoke(body, body) == NOTHING_FAILED

    assert len(account.items(account.event_log)) == 1
    found = emitted_metrics(capsys.readouterr().out)
    assert (found.get(CONTRACT.METRIC_EVENTS_RECORDED), found.get(CONTRACT.METRIC_DUPLICATE_EVENTS)) == (1, 1)


def test_a_redelivery_later_is_a_success_and_changes_nothing(account: Account, invoke: Invoke) -> None:
    body = envelope({"a": 1})
    invoke(body)
    [first] = account.items(account.event_log)

    assert invoke(body) == NOTHING_FAILED

    assert account.items(account.event_log) == [first]  # received_at unchanged: not written again


def test_another_message_with_the_same_content_is_another_event(account: Account, invoke: Invoke) -> None:
    invoke(envelope({"a": 1}), envelope({"a": 1}))

    assert len(account.items(account.event_log)) == 2


# ------------------------------------------------------------------- poison messages


def _without(name: str) -> dict[str, Any]:
    body = envelope("x")
    del body[name]
    return body


def _with(name: str, value: Any) -> dict[str, Any]:
    return {**envelope("x"), name: value}


POISON = {
    "not JSON": ("this is not json", "the message body is not JSON"),
    "a JSON array": ("[1, 2]", "the message body is not a JSON object"),
    "a raw-delivered message": ({"order_id": "o-1"}, "Type is null, not 'Notification'"),
    "a subscription confirmation": (_with("Type", "SubscriptionConfirmation"), 'Type is "SubscriptionConfirmation"'),
    "no MessageId": (_without("MessageId"), "MessageId must be a non-empty string, not null"),
    "an empty MessageId": (_with("MessageId", ""), 'MessageId must be a non-empty string, not ""'),
    "no TopicArn": (_without("TopicArn"), "TopicArn must be a non-empty string"),
    "no Timestamp": (_without("Timestamp"), "Timestamp must be a non-empty string"),
    "a Timestamp that is no timestamp": (_with("Timestamp", "yesterday"), "Timestamp is not an ISO 8601 timestamp"),
    "a Timestamp without time zone": (_with("Timestamp", "2026-11-02T10:00:00"), "Timestamp has no time zone"),
    "no Message": (_without("Message"), "Message must be a string, not null"),
    "a Message that is an object": (_with("Message", {"a": 1}), "Message must be a string"),
    "MessageAttributes not an object": (_with("MessageAttributes", []), "MessageAttributes must be a JSON object"),
    "an attribute without Value": (
        _with("MessageAttributes", {"tenant": {"Type": "String"}}),
        "MessageAttributes.tenant must have a string Type and Value",
    ),
}


@pytest.mark.parametrize(("body", "problem"), POISON.values(), ids=POISON.keys())
def test_a_poison_message_is_a_batch_item_failure_that_says_what_is_wrong(
    account: Account,
    invoke: Invoke,
    log_lines: LogLines,
    capsys: pytest.CaptureFixture[str],
    body: dict[str, Any] | str,
    problem: str,
) -> None:
    assert len(failed_ids(invoke(body))) == 1

    assert account.items(account.event_log) == []
    found = emitted_metrics(capsys.readouterr().out)
    assert found.get(CONTRACT.METRIC_INVALID_MESSAGES) == found.get(CONTRACT.METRIC_FAILED_MESSAGES) == 1
    [line] = [line for line in log_lines() if "problem" in line]
    assert line["message"] == "invalid message: not an SNS notification"
    assert line["problem"].startswith(problem), line["problem"]


def test_a_mixed_batch_reports_exactly_the_poison_message(account: Account, event_log: ModuleType) -> None:
    records = [
        sqs_record(json.dumps(envelope("good 1")), "good-1"),
        sqs_record(json.dumps({"Type": "Notification"}), "poison"),
        sqs_record(json.dumps(envelope("good 2")), "good-2"),
    ]

    response = event_log.handler({"Records": records}, FakeLambdaContext())

    assert response == {"batchItemFailures": [{"itemIdentifier": "poison"}]}
    assert sorted(item["message"] for item in account.items(account.event_log)) == ["good 1", "good 2"]


# ------------------------------------------------------------------------ failures


@pytest.mark.parametrize(
    "code", ["ProvisionedThroughputExceededException", "ThrottlingException", "InternalServerError"]
)
def test_a_dynamodb_error_fails_only_its_message_and_a_redelivery_records_it(
    account: Account,
    invoke: Invoke,
    event_log: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    code: str,
) -> None:
    unlucky, lucky = envelope("unlucky"), envelope("lucky")
    put_item = event_log.table.put_item

    def put_or_refuse(**request: Any) -> Any:
        if request["Item"]["message"] == "unlucky":
            raise ClientError({"Error": {"Code": code, "Message": code}}, "PutItem")
        return put_item(**request)

    with monkeypatch.context() as patch:
        patch.setattr(event_log.table, "put_item", put_or_refuse)
        response = invoke(unlucky, lucky)

    assert len(failed_ids(response)) == 1
    assert [item["message"] for item in account.items(account.event_log)] == ["lucky"]
    found = emitted_metrics(capsys.readouterr().out)
    assert found.get(CONTRACT.METRIC_FAILED_MESSAGES) == 1 and CONTRACT.METRIC_INVALID_MESSAGES not in found
    assert invoke(unlucky) == NOTHING_FAILED
    assert len(account.items(account.event_log)) == 2


def test_a_throttled_write_is_tried_three_times_then_fails_the_message(
    account: Account, invoke: Invoke, event_log: ModuleType
) -> None:
    """botocore's own retries, bounded: standard mode, 3 attempts in all (its legacy default for
    DynamoDB is 10, with ~25 s of backoff that one message could spend of the invocation)."""
    with throttled(event_log.table.meta.client, "PutItem") as attempts:
        assert len(failed_ids(invoke(envelope("throttled")))) == 1

    assert attempts == [1, 2, 3]
    assert account.items(account.event_log) == []
    config = event_log.table.meta.client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (2, 5)
