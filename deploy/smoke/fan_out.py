"""Smoke checks of the ``fan-out`` pattern (see ``deploy/smoke/__init__.py``).

On both targets, read back through the SNS and SQS APIs: the topic under its
customer-managed key and TLS-only; every subscriber queue encrypted, TLS-only, long
polling, with its own dead-letter queue and the template's max receive count; every
subscription with the template's filter policy and the delivery dead-letter queue.

In the emulator also the behaviour: probe messages published with attributes reach
exactly the queues whose filter policy matches them. Not in a real account, where the
queues' consumers would receive the probes.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from deploy.smoke import EMULATOR, SmokeContext, SmokeSkip, _queues

SUBSCRIPTION = "AWS::SNS::Subscription"
PROBE_ATTRIBUTE = "smoke_probe"


def _topic_arn(ctx: SmokeContext) -> str:
    """The topic the queues subscribe to (the pattern's alarm topic is another)."""
    resources = ctx.template["Resources"]
    topics = {
        resources[key]["Properties"]["TopicArn"]["Ref"]
        for key in ctx.logical_ids(SUBSCRIPTION)
        if resources[key]["Properties"].get("Protocol") == "sqs"
    }
    assert len(topics) == 1, f"expected the SQS subscriptions of {ctx.stack_name} on one topic, found {topics}"
    return ctx.physical_id(topics.pop())


def _subscriptions(ctx: SmokeContext) -> list[dict[str, Any]]:
    """The pattern's SQS subscriptions as declared, each with its queue's ARN and URL."""
    queues = _queues.queues_of_pattern(ctx)
    by_logical_id = {attributes["LogicalId"]: arn for arn, attributes in queues.items()}
    declared = []
    for logical_id in ctx.logical_ids(SUBSCRIPTION):
        properties = dict(ctx.template["Resources"][logical_id]["Properties"])
        if properties.get("Protocol") != "sqs":
            continue
        endpoint = properties["Endpoint"]["Fn::GetAtt"][0]
        arn = by_logical_id[endpoint]
        declared.append({**properties, "QueueArn": arn, "QueueUrl": queues[arn]["QueueUrl"]})
    assert declared, f"no SQS subscription in {ctx.stack_name}"
    return declared


def check_topic_is_encrypted_and_tls_only(ctx: SmokeContext) -> None:
    _queues.assert_topic_encrypted_and_tls_only(ctx, _topic_arn(ctx))


def check_queues_are_encrypted_with_dead_letter_queues(ctx: SmokeContext) -> None:
    queues = _queues.queues_of_pattern(ctx)
    subscribed = {subscription["QueueArn"] for subscription in _subscriptions(ctx)}
    for arn in subscribed:
        attributes = queues[arn]
        _queues.assert_encrypted_and_tls_only(arn, attributes)
        assert attributes["ReceiveMessageWaitTimeSeconds"] == "20", f"{arn} does not long-poll: {attributes}"
        target = _queues.redrive_target(attributes)
        assert target is not None, f"{arn} has no dead-letter queue"
        dead_letter, max_receives = target
        assert dead_letter in queues and dead_letter not in subscribed, f"{arn} redrives to {dead_letter}"
        declared = ctx.template["Resources"][attributes["LogicalId"]]["Properties"]["RedrivePolicy"]
        assert max_receives == int(declared["maxReceiveCount"]), (arn, max_receives, declared)
        _queues.assert_encrypted_and_tls_only(dead_letter, queues[dead_letter])


def check_subscriptions_have_their_filters_and_a_delivery_dead_letter_queue(ctx: SmokeContext) -> None:
    client = ctx.client("sns")
    live = {
        s["Endpoint"]: s["SubscriptionArn"]
        for s in client.list_subscriptions_by_topic(TopicArn=_topic_arn(ctx))["Subscriptions"]
    }
    queues = _queues.queues_of_pattern(ctx)
    for declared in _subscriptions(ctx):
        arn = live.get(declared["QueueArn"])
        assert arn, f"{declared['QueueArn']} is not subscribed to the topic: {sorted(live)}"
        attributes = client.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
        if "FilterPolicy" in declared:
            assert json.loads(attributes["FilterPolicy"]) == declared["FilterPolicy"], attributes
            scope = declared.get("FilterPolicyScope", "MessageAttributes")
            assert attributes.get("FilterPolicyScope", "MessageAttributes") == scope, attributes
        else:
            assert "FilterPolicy" not in attributes, f"{arn} filters messages the template lets through"
        redrive = json.loads(attributes.get("RedrivePolicy", "{}"))
        assert redrive.get("deadLetterTargetArn") in queues, f"{arn} has no delivery dead-letter queue: {redrive}"


def check_a_message_reaches_exactly_the_queues_whose_filter_matches(ctx: SmokeContext) -> None:
    if ctx.target != EMULATOR:
        raise SmokeSkip("publishing probes to a live topic would reach its consumers: checked in the sandbox only")
    subscriptions = _subscriptions(ctx)
    probes = _probes(subscriptions)
    expected: dict[str, set[str]] = {s["QueueUrl"]: set() for s in subscriptions}
    client = ctx.client("sns")
    for marker, attributes in probes.items():
        for subscription in subscriptions:
            if _matches(subscription.get("FilterPolicy"), attributes):
                expected[subscription["QueueUrl"]].add(marker)
        message_attributes = {
            name: {"DataType": "String", "StringValue": value}
            for name, value in {**attributes, PROBE_ATTRIBUTE: marker}.items()
        }
        client.publish(
            TopicArn=_topic_arn(ctx), Message=json.dumps({"probe": marker}), MessageAttributes=message_attributes
        )
    total = sum(len(markers) for markers in expected.values())
    found = _queues.drain(ctx, expected, _probe_marker, total)
    assert {url: set(markers) for url, markers in found.items()} == expected, (found, expected)


def _probes(subscriptions: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """A probe with no attributes, and one built to match each attribute filter."""
    probes: dict[str, dict[str, str]] = {f"none-{uuid.uuid4()}": {}}
    for subscription in subscriptions:
        policy = subscription.get("FilterPolicy")
        if policy is None:
            continue
        if subscription.get("FilterPolicyScope", "MessageAttributes") != "MessageAttributes":
            raise SmokeSkip("a message-body filter policy: the probes test attribute filters only")
        probes[f"match-{uuid.uuid4()}"] = {
            name: _value_matching(name, conditions) for name, conditions in policy.items()
        }
    return probes


def _value_matching(name: str, conditions: list[Any]) -> str:
    first = conditions[0]
    if isinstance(first, str):
        return first
    if isinstance(first, dict) and "prefix" in first:
        return f"{first['prefix']}probe"
    raise SmokeSkip(f"filter condition {first!r} on {name}: the probes build exact values and prefixes only")


def _matches(policy: dict[str, Any] | None, attributes: dict[str, str]) -> bool:
    """SNS's rule for attribute filters: every key of the policy matches one of its conditions."""
    if policy is None:
        return True
    return all(name in attributes and _matches_one(attributes[name], conditions) for name, conditions in policy.items())


def _matches_one(value: str, conditions: list[Any]) -> bool:
    for condition in conditions:
        if isinstance(condition, str) and value == condition:
            return True
        if isinstance(condition, dict) and "prefix" in condition and value.startswith(condition["prefix"]):
            return True
    return False


def _probe_marker(message: dict[str, Any]) -> str | None:
    """The probe's marker, from an SNS envelope (raw delivery is off) or a raw body."""
    try:
        body = json.loads(message["Body"])
    except ValueError:
        return None
    if isinstance(body, dict) and "Message" in body and "TopicArn" in body:
        try:
            body = json.loads(body["Message"])
        except ValueError:
            return None
    return body.get("probe") if isinstance(body, dict) else None
