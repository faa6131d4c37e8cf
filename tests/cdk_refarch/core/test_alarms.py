"""Alarms that reach a person: the encrypted topic, its e-mail, and the alarm helper."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest
from aws_cdk import App, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk.assertions import Template
from constructs import Construct

from cdk_refarch import AlarmOptions, PatternConfigError
from cdk_refarch.core.alarms import add_alarm, alarm_topic, check_email
from tests.cdk_refarch.static_site.variants import EU_WEST_1
from tests.synthesis import CDK_CONTEXT, Synthesized


def _raises(message: str) -> Any:
    return pytest.raises(PatternConfigError, match=re.escape(message))


@cache
def _resources() -> dict[str, Any]:
    stack = Stack(App(context=CDK_CONTEXT), "Alarms", env=EU_WEST_1)
    mailed = alarm_topic(Construct(stack, "Mailed"), removal_policy=RemovalPolicy.DESTROY, email="ops@example.com")
    alarm_topic(Construct(stack, "Quiet"), removal_policy=RemovalPolicy.RETAIN)
    add_alarm(
        stack,
        "ErrorsAlarm",
        metric=cloudwatch.Metric(namespace="Test", metric_name="Errors", statistic="Sum"),
        threshold=0,
        description="Errors happened",
        topic=mailed,
    )
    return Template.from_stack(stack).to_json()["Resources"]


def _of_type(resource_type: str, prefix: str = "") -> dict[str, dict[str, Any]]:
    return {k: v for k, v in _resources().items() if v["Type"] == resource_type and k.startswith(prefix)}


@pytest.mark.parametrize("prefix", ["Mailed", "Quiet"])
def test_the_topic_is_encrypted_with_its_own_rotated_key_and_tls_only(prefix: str) -> None:
    ((key_id, key),) = _of_type("AWS::KMS::Key", prefix).items()
    assert key["Properties"]["EnableKeyRotation"] is True
    ((topic_id, topic),) = _of_type("AWS::SNS::Topic", prefix).items()
    assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    ((_, policy),) = _of_type("AWS::SNS::TopicPolicy", prefix).items()
    (deny,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert (deny["Effect"], deny["Condition"]) == ("Deny", {"Bool": {"aws:SecureTransport": "false"}})
    assert deny["Resource"] == {"Ref": topic_id}


def test_the_key_lets_cloudwatch_use_it_for_this_accounts_alarms_only() -> None:
    ((_, key),) = _of_type("AWS::KMS::Key", "Mailed").items()
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    (cloudwatch_grant,) = [s for s in statements if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
    assert cloudwatch_grant["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert cloudwatch_grant["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "111111111111"},
        # Alarm ARNs end with ":alarm:NAME"; "alarm/*" would match no alarm at all.
        "ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:111111111111:alarm:*"},
    }


def test_the_key_follows_the_removal_policy() -> None:
    ((_, mailed),) = _of_type("AWS::KMS::Key", "Mailed").items()
    ((_, quiet),) = _of_type("AWS::KMS::Key", "Quiet").items()
    assert (mailed["DeletionPolicy"], quiet["DeletionPolicy"]) == ("Delete", "Retain")
    assert mailed["Properties"]["PendingWindowInDays"] == 7


def test_an_email_is_subscribed_only_when_given() -> None:
    ((topic_id, _),) = _of_type("AWS::SNS::Topic", "Mailed").items()
    (subscription,) = _of_type("AWS::SNS::Subscription").values()
    assert subscription["Properties"] == {
        "Endpoint": "ops@example.com",
        "Protocol": "email",
        "TopicArn": {"Ref": topic_id},
    }


def test_an_alarm_notifies_when_it_fires_and_when_it_recovers() -> None:
    ((topic_id, _),) = _of_type("AWS::SNS::Topic", "Mailed").items()
    (alarm,) = _of_type("AWS::CloudWatch::Alarm").values()
    props = alarm["Properties"]
    assert props["AlarmActions"] == [{"Ref": topic_id}]
    assert props["OKActions"] == [{"Ref": topic_id}]
    assert props["TreatMissingData"] == "notBreaching"
    assert (props["Threshold"], props["ComparisonOperator"]) == (0, "GreaterThanThreshold")
    assert props["AlarmDescription"] == "Errors happened"


@pytest.mark.parametrize("threshold", [float("nan"), float("inf"), True])
def test_an_alarm_threshold_must_be_a_finite_number(threshold: Any) -> None:
    stack = Stack(App(context=CDK_CONTEXT), "Test")
    topic = alarm_topic(stack, removal_policy=RemovalPolicy.DESTROY)
    with _raises(f"Broken threshold ({threshold!r}) must be a finite number"):
        add_alarm(
            stack,
            "Broken",
            metric=cloudwatch.Metric(namespace="Test", metric_name="Errors"),
            threshold=threshold,
            description="never built",
            topic=topic,
        )


# --- e-mail addresses --------------------------------------------------------------------


@pytest.mark.parametrize(
    "email", ["nope", "a@b", "a b@example.com", "ops@@example.com", "@example.com", "ops@example.com\n", "", 42]
)
def test_check_email_refuses_what_is_not_an_address(email: Any) -> None:
    with _raises(f"alarm_email ({email!r}) must be an e-mail address such as 'ops@example.com'"):
        check_email("alarm_email", email)


@pytest.mark.parametrize("email", [None, "ops@example.com", "first.last+alarms@sub.example.co.uk"])
def test_check_email_accepts_addresses_and_none(email: str | None) -> None:
    check_email("alarm_email", email)


def test_alarm_options_email() -> None:
    with _raises("email ('nope') must be an e-mail address such as 'ops@example.com'"):
        AlarmOptions(email="nope")
    assert AlarmOptions(email="ops@example.com").email == "ops@example.com"


def test_alarm_topic_refuses_a_bad_email() -> None:
    stack = Stack(App(context=CDK_CONTEXT), "Test")
    with _raises("alarm_email ('nope') must be an e-mail address such as 'ops@example.com'"):
        alarm_topic(stack, removal_policy=RemovalPolicy.DESTROY, email="nope")


# --- the app: production mails the address given with -c alarm_email ----------------------


def test_the_app_subscribes_the_alarm_email_given_in_context(sandbox: Synthesized, production: Synthesized) -> None:
    topic_id, _ = production.only("ServerlessWebApp-*-Alarms", "AWS::SNS::Topic")
    _, subscription = production.only("ServerlessWebApp-*-Alarms", "AWS::SNS::Subscription")
    assert subscription["Properties"] == {
        "Endpoint": "alarms@example.com",
        "Protocol": "email",
        "TopicArn": {"Ref": topic_id},
    }
    sandbox.template("ServerlessWebApp-*-Alarms").resource_count_is("AWS::SNS::Subscription", 0)
