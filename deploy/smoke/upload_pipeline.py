"""Smoke checks of the ``upload-pipeline`` pattern (see ``deploy/smoke/__init__.py``).

On both targets, read back through the S3, EventBridge, SQS and Lambda APIs: the uploads
bucket sends its events to EventBridge; the rule matches the bucket's Object Created
events and targets the buffer queue, with a dead-letter queue of its own; the buffer
queue is encrypted, TLS-only, with its dead-letter queue; the function consumes it with
partial batch responses.

In the emulator also the behaviour: an object put in the bucket becomes the Object
Created event the rule routes into the buffer queue (no function runs there, so the
event waits in the queue, where the check reads it and deletes it with the object).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from deploy.smoke import EMULATOR, SmokeContext, SmokeSkip, _queues

BUCKET = "AWS::S3::Bucket"
RULE = "AWS::Events::Rule"


def _uploads_bucket(ctx: SmokeContext) -> tuple[str, dict[str, Any]]:
    """The bucket whose template turns EventBridge notifications on, and its properties."""
    resources = ctx.template["Resources"]
    found = [
        key
        for key in ctx.tagged(BUCKET)
        if "EventBridgeConfiguration" in resources[key]["Properties"].get("NotificationConfiguration", {})
    ]
    assert len(found) == 1, f"expected one bucket with EventBridge notifications in {ctx.stack_name}: {found}"
    return ctx.physical_id(found[0]), resources[found[0]]["Properties"]


def _rule(ctx: SmokeContext) -> tuple[str, dict[str, Any]]:
    (logical_id,) = ctx.logical_ids(RULE)
    return ctx.physical_id(logical_id), ctx.template["Resources"][logical_id]["Properties"]


def _buffer_queue(ctx: SmokeContext) -> dict[str, str]:
    """The queue the rule targets (the one that has a redrive policy and a consumer)."""
    name, _ = _rule(ctx)
    (target,) = ctx.client("events").list_targets_by_rule(Rule=name)["Targets"]
    queues = _queues.queues_of_pattern(ctx)
    assert target["Arn"] in queues, f"the rule targets {target['Arn']}, not a queue of the pattern"
    return {**queues[target["Arn"]], "Target": json.dumps(target)}


def check_bucket_sends_events_to_eventbridge(ctx: SmokeContext) -> None:
    bucket, _ = _uploads_bucket(ctx)
    configuration = ctx.client("s3").get_bucket_notification_configuration(Bucket=bucket)
    assert "EventBridgeConfiguration" in configuration, f"{bucket} sends no events to EventBridge: {configuration}"
    # The native setting, not CDK's notification custom resource and its Lambda.
    assert not ctx.logical_ids("Custom::S3BucketNotifications"), "the stack has a bucket notification handler"


def check_rule_matches_the_buckets_object_created_events(ctx: SmokeContext) -> None:
    bucket, _ = _uploads_bucket(ctx)
    name, declared = _rule(ctx)
    rule = ctx.client("events").describe_rule(Name=name)
    assert rule["State"] == "ENABLED", rule
    pattern = json.loads(rule["EventPattern"])
    assert pattern["source"] == ["aws.s3"] and pattern["detail-type"] == ["Object Created"], pattern
    expected = json.loads(json.dumps(declared["EventPattern"]))
    expected["detail"]["bucket"]["name"] = [bucket]  # a Ref in the template
    assert pattern == expected, (pattern, expected)


def check_rule_targets_the_buffer_queue_with_a_dead_letter_queue(ctx: SmokeContext) -> None:
    queue = _buffer_queue(ctx)
    target = json.loads(queue["Target"])
    dead_letter = target.get("DeadLetterConfig", {}).get("Arn")
    queues = _queues.queues_of_pattern(ctx)
    assert dead_letter in queues and dead_letter != queue["QueueArn"], f"the rule's target has no DLQ: {target}"
    assert "RetryPolicy" in target, f"the rule's target has no retry policy: {target}"


def check_buffer_queue_is_encrypted_with_a_dead_letter_queue(ctx: SmokeContext) -> None:
    queue = _buffer_queue(ctx)
    _queues.assert_encrypted_and_tls_only("buffer", queue)
    target = _queues.redrive_target(queue)
    assert target is not None, f"the buffer queue has no dead-letter queue: {queue}"
    dead_letter, _ = target
    queues = _queues.queues_of_pattern(ctx)
    assert dead_letter in queues, f"the buffer queue redrives to {dead_letter}, not a queue of the pattern"
    _queues.assert_encrypted_and_tls_only("buffer DLQ", queues[dead_letter])


def check_function_consumes_the_queue_with_partial_batch_responses(ctx: SmokeContext) -> None:
    (function,) = ctx.tagged("AWS::Lambda::Function")
    _queues.assert_consumes_with_partial_batch_responses(ctx, function, _buffer_queue(ctx)["QueueArn"])


def check_an_upload_becomes_an_event_in_the_buffer_queue(ctx: SmokeContext) -> None:
    if ctx.target != EMULATOR:
        raise SmokeSkip("in a real account the function consumes the event at once: its records are the proof")
    bucket, _ = _uploads_bucket(ctx)
    _, declared = _rule(ctx)
    key = _probe_key(declared["EventPattern"]["detail"].get("object", {}).get("key", []))
    s3 = ctx.client("s3")
    s3.put_object(Bucket=bucket, Key=key, Body=b"smoke", ContentType="text/plain")
    try:
        queue = _buffer_queue(ctx)

        def marker(message: dict[str, Any]) -> str | None:
            event = json.loads(message["Body"])
            detail = event.get("detail", {})
            if event.get("detail-type") == "Object Created" and detail.get("object", {}).get("key") == key:
                assert detail["bucket"]["name"] == bucket, event
                return str(key)
            return None

        found = _queues.drain(ctx, [queue["QueueUrl"]], marker, 1)
        assert found[queue["QueueUrl"]] == [key], f"no Object Created event for {key} in the buffer queue"
    finally:
        versions = s3.list_object_versions(Bucket=bucket, Prefix=key)
        for entry in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
            s3.delete_object(Bucket=bucket, Key=key, VersionId=entry["VersionId"])


def _probe_key(filters: list[Any]) -> str:
    """A key that the rule's key filter (prefix and/or suffix, or wildcard) lets through."""
    prefix = suffix = ""
    for condition in filters:
        if "prefix" in condition:
            prefix = condition["prefix"]
        elif "suffix" in condition:
            suffix = condition["suffix"]
        elif "wildcard" in condition:
            prefix, _, suffix = condition["wildcard"].partition("*")
    return f"{prefix}smoke-{uuid.uuid4()}{suffix or '.txt'}"
