"""Reads of SQS queues, SNS topics, SNS/EventBridge deliveries and queue consumers that
the ``fan-out``, ``upload-pipeline``, ``event-consumers`` and ``alarm-topic`` smoke modules
call from their own checks (no ``check_*`` here: a check runs in the module that defines
it, see ``deploy/smoke/__init__.py``)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from typing import Any

from deploy.smoke import SmokeContext

QUEUE = "AWS::SQS::Queue"
#: How long a behaviour check waits for a message to arrive.
ARRIVAL_SECONDS = 10


def queue_attributes(ctx: SmokeContext, url: str) -> dict[str, str]:
    return dict(ctx.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"])


def queues_of_pattern(ctx: SmokeContext) -> dict[str, dict[str, str]]:
    """Every queue of the pattern by ARN, with its attributes (its URL under ``QueueUrl``)."""
    found = {}
    for logical_id in ctx.tagged(QUEUE):
        url = ctx.physical_id(logical_id)
        attributes = queue_attributes(ctx, url)
        attributes["QueueUrl"] = url
        attributes["LogicalId"] = logical_id
        found[attributes["QueueArn"]] = attributes
    assert found, f"no queue of {ctx.pattern} in {ctx.stack_name}"
    return found


def assert_consumes_with_partial_batch_responses(
    ctx: SmokeContext, function_logical_id: str, queue_arn: str | None = None
) -> dict[str, Any]:
    """The function polls one queue (``queue_arn`` if given) through its one event source
    mapping, as declared (batch size, concurrency cap), with partial batch responses, and
    the queue's visibility timeout is at least 6 x the function's timeout; the mapping."""
    lambda_ = ctx.client("lambda")
    function = ctx.physical_id(function_logical_id)
    mappings = lambda_.list_event_source_mappings(FunctionName=function)["EventSourceMappings"]
    (mapping,) = [m for m in mappings if queue_arn is None or m["EventSourceArn"] == queue_arn]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"], mapping
    (declared,) = [
        resource["Properties"]
        for resource in ctx.template["Resources"].values()
        if resource["Type"] == "AWS::Lambda::EventSourceMapping"
        and resource["Properties"]["FunctionName"] == {"Ref": function_logical_id}
    ]
    assert mapping["BatchSize"] == declared.get("BatchSize", 10), mapping
    cap = declared.get("ScalingConfig", {}).get("MaximumConcurrency")
    assert mapping.get("ScalingConfig", {}).get("MaximumConcurrency") == cap, (mapping, cap)
    sqs = ctx.client("sqs")
    url = sqs.get_queue_url(QueueName=mapping["EventSourceArn"].rsplit(":", 1)[-1])["QueueUrl"]
    visibility = int(queue_attributes(ctx, url)["VisibilityTimeout"])
    timeout = lambda_.get_function_configuration(FunctionName=function)["Timeout"]
    assert visibility >= 6 * timeout, f"{url}: visibility timeout {visibility}s is below 6 x the function's {timeout}s"
    return dict(mapping)


def redrive_target(attributes: dict[str, str]) -> tuple[str, int] | None:
    """(dead-letter queue ARN, max receive count) of a queue with a redrive policy."""
    if "RedrivePolicy" not in attributes:
        return None
    policy = json.loads(attributes["RedrivePolicy"])
    return policy["deadLetterTargetArn"], int(policy["maxReceiveCount"])


def denies_plain_http(policy: str) -> bool:
    """Whether a resource policy (JSON) denies requests made without TLS."""
    statements = json.loads(policy or "{}").get("Statement", [])
    return any(
        statement.get("Effect") == "Deny"
        and statement.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
        for statement in statements
    )


def assert_encrypted_and_tls_only(name: str, attributes: dict[str, str]) -> None:
    """SSE (a KMS key or SQS-managed) and a policy that denies requests without TLS."""
    encrypted = attributes.get("KmsMasterKeyId") or attributes.get("SqsManagedSseEnabled") == "true"
    assert encrypted, f"queue {name} is not encrypted: {attributes}"
    assert denies_plain_http(attributes.get("Policy", "")), f"queue {name} allows requests without TLS"


def assert_topic_encrypted_and_tls_only(ctx: SmokeContext, topic_arn: str) -> None:
    """A topic under a customer-managed key (SNS cannot deliver to encrypted queues, nor
    CloudWatch publish, under the AWS managed key) whose policy denies requests without TLS."""
    attributes = ctx.client("sns").get_topic_attributes(TopicArn=topic_arn)["Attributes"]
    key = attributes.get("KmsMasterKeyId", "")
    assert key and not key.endswith("alias/aws/sns"), f"{topic_arn} is not under a customer-managed key: {key!r}"
    assert denies_plain_http(attributes["Policy"]), f"{topic_arn}'s policy allows requests without TLS"


def drain(
    ctx: SmokeContext, urls: Iterable[str], wanted: Callable[[dict[str, Any]], str | None], expected: int
) -> dict[str, list[str]]:
    """Receive from ``urls`` until ``expected`` messages for which ``wanted`` gives a
    marker have arrived (or ``ARRIVAL_SECONDS`` pass); delete those, leave the rest.

    Returns the markers found per queue URL.
    """
    client = ctx.client("sqs")
    found: dict[str, list[str]] = {url: [] for url in urls}
    deadline = time.monotonic() + ARRIVAL_SECONDS
    while sum(len(markers) for markers in found.values()) < expected and time.monotonic() < deadline:
        for url in found:
            response = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            for message in response.get("Messages", []):
                marker = wanted(message)
                if marker is None:
                    # Not ours: let it be received again at once, by whoever it is for.
                    client.change_message_visibility(
                        QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                    )
                    continue
                found[url].append(marker)
                client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found
