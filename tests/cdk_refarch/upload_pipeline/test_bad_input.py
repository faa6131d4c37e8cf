"""UploadPipeline refuses bad input at synth, naming the property, the value and what is allowed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns

from cdk_refarch import PatternConfigError
from cdk_refarch.core.retention import ALLOWED_RETENTION_DAYS
from cdk_refarch.upload_pipeline import HandlerVariables, UploadAlarmOptions, UploadPipeline
from tests.cdk_refarch.upload_pipeline.variants import CODE_PATH, ENV, RECORDS_TABLE_ARN, TOPIC_ARN, TOPIC_KEY_ARN
from tests.synthesis import CDK_CONTEXT

NAN, INF = float("nan"), float("inf")
SAFE = "! - _ . ' ( ) /"
PREFIX = (
    f"prefix ({{!r}}) must be empty or a key prefix of S3's safe characters (letters, digits and {SAFE}), "
    "not starting with '/' nor holding '//', e.g. 'uploads/'"
)
SUFFIX = (
    f"suffixes entry ({{!r}}) must be one or more of S3's safe characters (letters, digits and {SAFE}), e.g. '.jpg'"
)
ENV_NAME_RULE = "must match [A-Za-z_][A-Za-z0-9_]*: letters, digits and _, not starting with a digit"


def _raises(message: str) -> Any:
    return pytest.raises(PatternConfigError, match=re.escape(message))


def _stack() -> Stack:
    return Stack(App(context=CDK_CONTEXT), "T", env=ENV)


def _pipeline(stack: Stack | None = None, **props: Any) -> UploadPipeline:
    stack = stack or _stack()
    props.setdefault("code_path", CODE_PATH)
    props.setdefault("event_topic", sns.Topic.from_topic_arn(stack, "Topic", TOPIC_ARN))
    return UploadPipeline(stack, "Uploads", **props)


# The buffer queue and its retries.


@pytest.mark.parametrize(("timeout", "visibility", "least"), [(30, 179, 180), (900, 5000, 5400), (10, 30, 60)])
def test_visibility_timeout_below_six_times_the_function_timeout(timeout: int, visibility: int, least: int) -> None:
    with _raises(
        f"visibility_timeout_seconds ({visibility}) must be at least 6 times timeout_seconds ({timeout}), i.e. "
        f"{least}: otherwise a batch still being processed becomes visible again and is handed out twice"
    ):
        _pipeline(timeout_seconds=timeout, visibility_timeout_seconds=visibility)


def test_visibility_timeout_above_sqs_maximum() -> None:
    with _raises("visibility_timeout_seconds (43201) must be an integer at most 43200 s"):
        _pipeline(visibility_timeout_seconds=43_201)


@pytest.mark.parametrize("count", [0, 1001, True, NAN, 2.5])
def test_max_receive_count_outside_1_to_1000(count: object) -> None:
    with _raises(f"max_receive_count ({count!r}) must be an integer from 1 to 1000"):
        _pipeline(max_receive_count=count)


def test_idempotency_ttl_shorter_than_every_redelivery() -> None:
    with _raises(
        "idempotency_ttl_seconds (3600) must be at least the visibility timeout times max_receive_count "
        "(900 x 5 = 4500): a batch can be delivered again that long after its first records were processed, "
        "and must find them recorded"
    ):
        _pipeline(timeout_seconds=150, idempotency_ttl_seconds=3600)


@pytest.mark.parametrize("ttl", [0, True, INF])
def test_idempotency_ttl_not_a_positive_integer(ttl: object) -> None:
    with _raises(f"idempotency_ttl_seconds ({ttl!r}) must be an integer at least 1 s"):
        _pipeline(idempotency_ttl_seconds=ttl)


@pytest.mark.parametrize("attempts", [-1, 186])
def test_rule_retry_attempts_outside_eventbridge_range(attempts: int) -> None:
    with _raises(f"rule_retry_attempts ({attempts}) must be an integer from 0 to 185"):
        _pipeline(rule_retry_attempts=attempts)


@pytest.mark.parametrize("age", [59, 86_401])
def test_rule_max_event_age_outside_eventbridge_range(age: int) -> None:
    with _raises(f"rule_max_event_age_seconds ({age}) must be an integer from 60 to 86400 s"):
        _pipeline(rule_max_event_age_seconds=age)


# Polling: batch size, window, concurrency.


@pytest.mark.parametrize("size", [0, 10_001, True])
def test_batch_size_outside_lambda_range(size: object) -> None:
    with _raises(f"batch_size ({size!r}) must be an integer from 1 to 10000"):
        _pipeline(batch_size=size, max_batching_window_seconds=1)


def test_batch_size_above_ten_without_a_window() -> None:
    with _raises(
        "batch_size (11) above 10 needs max_batching_window_seconds of at least 1 (given 0): Lambda takes "
        "batches above 10 messages only with a batching window"
    ):
        _pipeline(batch_size=11)


@pytest.mark.parametrize("window", [-1, 301, NAN])
def test_batching_window_outside_0_to_300(window: object) -> None:
    with _raises(f"max_batching_window_seconds ({window!r}) must be an integer from 0 to 300 s"):
        _pipeline(max_batching_window_seconds=window)


@pytest.mark.parametrize("concurrency", [1, 1001, False])
def test_maximum_concurrency_outside_2_to_1000(concurrency: object) -> None:
    with _raises(f"maximum_concurrency ({concurrency!r}) must be an integer from 2 to 1000"):
        _pipeline(maximum_concurrency=concurrency)


def test_maximum_concurrency_above_reserved_concurrency() -> None:
    with _raises(
        "maximum_concurrency (20) must not exceed reserved_concurrency (10): the invocations above it would be "
        "throttled, and each throttled batch counts as a receive toward the dead-letter queue"
    ):
        _pipeline(maximum_concurrency=20, reserved_concurrency=10)


def test_reserved_concurrency_zero() -> None:
    with _raises(
        "reserved_concurrency (0 would stop the function; None leaves it unreserved) (0) must be an integer at least 1"
    ):
        _pipeline(reserved_concurrency=0, maximum_concurrency=None)


# The function.


@pytest.mark.parametrize("timeout", [0, 901, True, NAN])
def test_timeout_outside_lambda_range(timeout: object) -> None:
    with _raises(f"timeout_seconds ({timeout!r}) must be an integer from 1 to 900 s"):
        _pipeline(timeout_seconds=timeout)


@pytest.mark.parametrize("memory", [127, 10_241, True, INF])
def test_memory_outside_lambda_range(memory: object) -> None:
    with _raises(f"memory_size ({memory!r}) must be an integer from 128 to 10240 MB"):
        _pipeline(memory_size=memory)


def test_missing_code_path(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere")
    with _raises(f"code_path ({missing!r}) must be an existing folder"):
        _pipeline(code_path=missing)


def test_handler_module_missing(tmp_path: Path) -> None:
    with _raises(f"handler ('handler.handler') needs {tmp_path / 'handler.py'}, which does not exist"):
        _pipeline(code_path=str(tmp_path))


@pytest.mark.parametrize("handler", ["handler", "handler.", "1x.handler", "handler:handler"])
def test_handler_not_module_function(handler: str) -> None:
    with _raises(f"handler ({handler!r}) must be 'module.function', e.g. 'handler.handler'"):
        _pipeline(handler=handler)


@pytest.mark.parametrize("days", [0, 8, 366, True])
def test_log_retention_not_a_cloudwatch_value(days: object) -> None:
    allowed = ", ".join(str(days) for days in ALLOWED_RETENTION_DAYS)
    with _raises(f"log_retention_days ({days!r}) must be one of the CloudWatch Logs retention periods: {allowed}"):
        _pipeline(log_retention_days=days)


@pytest.mark.parametrize("level", ["info", "TRACE", ""])
def test_log_level_not_a_powertools_level(level: str) -> None:
    with _raises(f"log_level ({level!r}) must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"):
        _pipeline(log_level=level)


@pytest.mark.parametrize("name", ["", " uploads", "uploads ", "AWS/uploads", "up\nloads", "x" * 256])
def test_service_name_not_a_namespace(name: str) -> None:
    with _raises(
        f"service_name ({name!r}) must be 1 to 255 printable ASCII characters, not starting or ending with a "
        "space nor with 'AWS/' (it is also the CloudWatch metrics namespace)"
    ):
        _pipeline(service_name=name)


# The key filter.


@pytest.mark.parametrize("prefix", ["/uploads/", "uploads//x", "up*loads/", "a b/", "year=2026/", "é/", 5])
def test_bad_prefix(prefix: object) -> None:
    with _raises(PREFIX.format(prefix)):
        _pipeline(prefix=prefix)


@pytest.mark.parametrize("suffix", ["", "*.jpg", ".j pg", "\\.jpg", None])
def test_bad_suffix(suffix: object) -> None:
    with _raises(SUFFIX.format(suffix)):
        _pipeline(suffixes=(suffix,))


def test_suffixes_as_one_string() -> None:
    with _raises("suffixes ('.jpg') must be a sequence of strings such as ('.jpg', '.png'), not one string"):
        _pipeline(suffixes=".jpg")


def test_repeated_suffixes() -> None:
    with _raises("suffixes repeat .jpg"):
        _pipeline(suffixes=(".jpg", ".png", ".jpg"))


def test_prefix_and_suffix_longer_than_a_key() -> None:
    with _raises("prefix and suffix '.jpg' are 1025 characters together: an S3 key is at most 1024"):
        _pipeline(prefix="a" * 1021, suffixes=(".jpg",))


def test_event_pattern_too_large() -> None:
    suffixes = tuple(f".{index:02d}" + "x" * 40 for index in range(40))
    with _raises(
        "prefix and suffixes make an event pattern of up to 2890 characters: EventBridge takes 2048 by "
        "default; use fewer or shorter suffixes"
    ):
        _pipeline(prefix="uploads/", suffixes=suffixes)


# Tables and the topic.


def test_noncurrent_version_days_below_one() -> None:
    with _raises("noncurrent_version_expiration_days (0) must be an integer at least 1 days"):
        _pipeline(noncurrent_version_expiration_days=0)


def test_records_key_with_an_existing_table() -> None:
    stack = _stack()
    table = dynamodb.TableV2.from_table_arn(stack, "Records", RECORDS_TABLE_ARN)
    with _raises(
        "records_partition_key is only used for a records table created here; existing_records_table brings its own key"
    ):
        _pipeline(stack, existing_records_table=table, records_partition_key="pk")


@pytest.mark.parametrize("prop", ["records_partition_key", "idempotency_key", "idempotency_expiry_attribute"])
def test_empty_attribute_name(prop: str) -> None:
    with _raises(f"{prop} ('') must be a DynamoDB attribute name of 1 to 255 bytes"):
        _pipeline(**{prop: ""})


def test_expiry_attribute_is_the_key() -> None:
    with _raises(
        "idempotency_expiry_attribute ('id') must differ from idempotency_key ('id'): DynamoDB's TTL cannot be "
        "on a key attribute"
    ):
        _pipeline(idempotency_expiry_attribute="id")


def test_deletion_protection_not_a_bool() -> None:
    with _raises("deletion_protection ('yes') must be True or False"):
        _pipeline(deletion_protection="yes")


def test_topic_key_beside_a_topic_with_its_own_key() -> None:
    stack = _stack()
    topic = sns.Topic(stack, "Events", master_key=kms.Key(stack, "EventKey", enable_key_rotation=True))
    other = kms.Key.from_key_arn(stack, "Other", TOPIC_KEY_ARN)
    with _raises(
        "event_topic_key is for a topic whose key CDK does not know (an imported topic); this topic has its own "
        "master_key, which is granted"
    ):
        _pipeline(stack, event_topic=topic, event_topic_key=other)


# Handler variables and alarms.


def test_variable_name_invalid() -> None:
    with _raises(f"variables.records_table name ('1TABLE') {ENV_NAME_RULE}"):
        HandlerVariables(records_table="1TABLE")


def test_variable_name_reserved_by_lambda() -> None:
    with _raises(
        "variables.log_level ('AWS_REGION') is a variable Lambda sets itself and refuses in a function's environment"
    ):
        HandlerVariables(log_level="AWS_REGION")


def test_variable_names_repeated() -> None:
    with _raises("variables name TABLE more than once: each setting needs its own"):
        HandlerVariables(records_table="TABLE", idempotency_table="TABLE")


@pytest.mark.parametrize("age", [59, 1_209_601, NAN])
def test_oldest_message_age_outside_range(age: object) -> None:
    with _raises(f"oldest_message_age_seconds ({age!r}) must be an integer from 60 to 1209600 s"):
        UploadAlarmOptions(oldest_message_age_seconds=age)  # type: ignore[arg-type]


def test_function_errors_negative() -> None:
    with _raises("function_errors (-1) must be an integer at least 0"):
        UploadAlarmOptions(function_errors=-1)


def test_alarm_email_not_an_address() -> None:
    with _raises("email ('ops') must be an e-mail address such as 'ops@example.com'"):
        UploadAlarmOptions(email="ops")


def test_alarm_email_with_a_given_topic() -> None:
    stack = _stack()
    with _raises("email is only used with the topic created here; subscribe it to your own topic instead"):
        UploadAlarmOptions(topic=sns.Topic.from_topic_arn(stack, "Ops", TOPIC_ARN), email="ops@example.com")
