"""FanOut's defaults and options, on the variants of variants.py (synthesized once per
module, cdk-nag as a validation plugin)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs

from cdk_refarch.fan_out import FanOut, QueueOptions
from tests.cdk_refarch.fan_out.variants import (
    ATTRIBUTE_FILTER,
    BODY_FILTER,
    CONSUMERS,
    DEFAULTS,
    FIFO,
    OPTIONS,
    RULE_ARN,
    build,
)
from tests.quality.test_gates import lint_findings
from tests.synthesis import CDK_CONTEXT, Synthesized, synthesize

SNS = {"Service": "sns.amazonaws.com"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(tmp_path_factory.mktemp("fan-out"), build)


def _props(app: Synthesized, stack: str, resource_type: str, prefix: str = "") -> dict[str, Any]:
    _, resource = app.only(stack, resource_type, prefix)
    return resource["Properties"]


def _by_id(app: Synthesized, stack: str, resource_type: str) -> dict[str, dict[str, Any]]:
    return {logical_id: r["Properties"] for logical_id, r in app.resources(stack, resource_type).items()}


def _logical_id(app: Synthesized, stack: str, resource_type: str, prefix: str) -> str:
    logical_id, _ = app.only(stack, resource_type, prefix)
    return logical_id


def _fan_out(app: Synthesized, stack: str) -> FanOut:
    found = app.stacks[stack].node.find_child({DEFAULTS: "Orders", FIFO: "Ledger", OPTIONS: "Payments"}[stack])
    assert isinstance(found, FanOut)
    return found


def _policy_of(app: Synthesized, stack: str, queue_id: str) -> list[dict[str, Any]]:
    (policy,) = [p for p in _by_id(app, stack, "AWS::SQS::QueuePolicy").values() if p["Queues"] == [{"Ref": queue_id}]]
    return policy["PolicyDocument"]["Statement"]


def _key_statements(app: Synthesized, stack: str, prefix: str) -> list[dict[str, Any]]:
    return _props(app, stack, "AWS::KMS::Key", prefix)["KeyPolicy"]["Statement"]


@pytest.mark.parametrize("stack", [DEFAULTS, FIFO, OPTIONS, CONSUMERS])
def test_nag_lint_and_warnings_are_clean(app: Synthesized, stack: str) -> None:
    assert app.violations_of(stack) == []
    assert lint_findings(app, stack) == []
    assert app.warnings_of(stack) == []


# Defaults: the topic and its key.


def test_topic_is_named_encrypted_signed_and_tls_only(app: Synthesized) -> None:
    key = _logical_id(app, DEFAULTS, "AWS::KMS::Key", "OrdersKey")
    topic = _props(app, DEFAULTS, "AWS::SNS::Topic", "OrdersTopic")
    assert topic["TopicName"].startswith("FanOutDefaults-Orders-")
    assert topic["KmsMasterKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
    assert topic["SignatureVersion"] == "2"
    assert "FifoTopic" not in topic and "ContentBasedDeduplication" not in topic
    (deny,) = _props(app, DEFAULTS, "AWS::SNS::TopicPolicy", "OrdersTopic")["PolicyDocument"]["Statement"]
    assert (deny["Effect"], deny["Action"], deny["Principal"]) == ("Deny", "sns:Publish", "*")
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_one_rotated_retained_key_lets_sns_deliver_for_this_topic_only(app: Synthesized) -> None:
    logical_id, key = app.only(DEFAULTS, "AWS::KMS::Key", "OrdersKey")
    assert key["Properties"]["EnableKeyRotation"] is True
    assert (key["DeletionPolicy"], key["UpdateReplacePolicy"]) == ("Retain", "Retain")
    root, sns_statement = key["Properties"]["KeyPolicy"]["Statement"]
    assert root["Action"] == "kms:*"
    assert sns_statement["Principal"] == SNS
    assert sns_statement["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]
    name = _props(app, DEFAULTS, "AWS::SNS::Topic", "OrdersTopic")["TopicName"]
    # The topic's ARN from its name and the stack's pseudo parameters: no Ref to the topic,
    # which encrypts itself with this key (a Ref would be a circular dependency).
    assert sns_statement["Condition"] == {
        "ArnEquals": {
            "aws:SourceArn": {
                "Fn::Join": [
                    "",
                    [
                        "arn:",
                        {"Ref": "AWS::Partition"},
                        ":sns:",
                        {"Ref": "AWS::Region"},
                        ":",
                        {"Ref": "AWS::AccountId"},
                        f":{name}",
                    ],
                ]
            }
        }
    }
    topic_id = _logical_id(app, DEFAULTS, "AWS::SNS::Topic", "OrdersTopic")
    assert topic_id not in json.dumps(key)
    # Every queue of the pattern, dead-letter queues included, under this one key.
    queues = _by_id(app, DEFAULTS, "AWS::SQS::Queue")
    assert len(queues) == 5
    assert {json.dumps(q["KmsMasterKeyId"]) for q in queues.values()} == {
        json.dumps({"Fn::GetAtt": [logical_id, "Arn"]})
    }


# Defaults: the queues.


def test_queue_defaults(app: Synthesized) -> None:
    for name in ("Billing", "Audit"):
        logical_id, queue = app.only(DEFAULTS, "AWS::SQS::Queue", f"Orders{name}Queue")
        dead_letters = _logical_id(app, DEFAULTS, "AWS::SQS::Queue", f"Orders{name}DeadLetterQueue")
        props = queue["Properties"]
        assert props["MessageRetentionPeriod"] == 4 * 86400
        assert props["VisibilityTimeout"] == 30
        assert props["ReceiveMessageWaitTimeSeconds"] == 20  # long polling
        assert props["RedrivePolicy"] == {
            "deadLetterTargetArn": {"Fn::GetAtt": [dead_letters, "Arn"]},
            "maxReceiveCount": 5,
        }
        assert "FifoQueue" not in props and "QueueName" not in props  # CloudFormation names standard queues
        assert (queue["DeletionPolicy"], queue["UpdateReplacePolicy"]) == ("Retain", "Retain")
        assert _policy_of(app, DEFAULTS, logical_id)[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_dead_letter_queues_keep_messages_fourteen_days_over_tls(app: Synthesized) -> None:
    for prefix in ("OrdersBillingDeadLetterQueue", "OrdersAuditDeadLetterQueue", "OrdersDeliveryDeadLetterQueue"):
        logical_id, queue = app.only(DEFAULTS, "AWS::SQS::Queue", prefix)
        assert queue["Properties"]["MessageRetentionPeriod"] == 14 * 86400
        assert "RedrivePolicy" not in queue["Properties"]
        assert queue["DeletionPolicy"] == "Retain"
        deny = _policy_of(app, DEFAULTS, logical_id)[0]
        assert (deny["Effect"], deny["Action"]) == ("Deny", "sqs:*")


def test_sns_may_send_to_each_queue_and_the_delivery_dlq_for_this_topic_only(app: Synthesized) -> None:
    topic = _logical_id(app, DEFAULTS, "AWS::SNS::Topic", "OrdersTopic")
    for prefix in ("OrdersBillingQueue", "OrdersAuditQueue", "OrdersDeliveryDeadLetterQueue"):
        queue = _logical_id(app, DEFAULTS, "AWS::SQS::Queue", prefix)
        _, allow = _policy_of(app, DEFAULTS, queue)  # one statement, however many subscriptions use it
        assert (allow["Effect"], allow["Action"], allow["Principal"]) == ("Allow", "sqs:SendMessage", SNS)
        assert allow["Resource"] == {"Fn::GetAtt": [queue, "Arn"]}
        assert allow["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Ref": topic}}}
    for prefix in ("OrdersBillingDeadLetterQueue", "OrdersAuditDeadLetterQueue"):
        queue = _logical_id(app, DEFAULTS, "AWS::SQS::Queue", prefix)
        assert len(_policy_of(app, DEFAULTS, queue)) == 1  # TLS only: nothing sends to it but SQS


def test_subscriptions_with_delivery_dlq_and_the_attribute_filter(app: Synthesized) -> None:
    topic = _logical_id(app, DEFAULTS, "AWS::SNS::Topic", "OrdersTopic")
    delivery = _logical_id(app, DEFAULTS, "AWS::SQS::Queue", "OrdersDeliveryDeadLetterQueue")
    for name in ("Billing", "Audit"):
        logical_id, subscription = app.only(DEFAULTS, "AWS::SNS::Subscription", f"Orders{name}Subscription")
        queue = _logical_id(app, DEFAULTS, "AWS::SQS::Queue", f"Orders{name}Queue")
        props = subscription["Properties"]
        assert (props["Protocol"], props["TopicArn"]) == ("sqs", {"Ref": topic})
        assert props["Endpoint"] == {"Fn::GetAtt": [queue, "Arn"]}
        assert props["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": [delivery, "Arn"]}}
        assert "RawMessageDelivery" not in props
        (policy,) = subscription["DependsOn"]
        assert policy.startswith(f"Orders{name}QueuePolicy")
    billing = _props(app, DEFAULTS, "AWS::SNS::Subscription", "OrdersBillingSubscription")
    assert (billing["FilterPolicy"], billing["FilterPolicyScope"]) == (ATTRIBUTE_FILTER, "MessageAttributes")
    audit = _props(app, DEFAULTS, "AWS::SNS::Subscription", "OrdersAuditSubscription")
    assert "FilterPolicy" not in audit and "FilterPolicyScope" not in audit


# Defaults: alarms, tags, attributes.


def test_alarms_on_dead_letters_oldest_message_and_failed_notifications(app: Synthesized) -> None:
    alarms = _by_id(app, DEFAULTS, "AWS::CloudWatch::Alarm")
    topic = _logical_id(app, DEFAULTS, "AWS::SNS::Topic", "OrdersAlarmTopic")
    assert len(alarms) == 6
    by_metric: dict[str, list[dict[str, Any]]] = {}
    for alarm in alarms.values():
        assert alarm["AlarmActions"] == alarm["OKActions"] == [{"Ref": topic}]
        assert (alarm["ComparisonOperator"], alarm["Period"]) == ("GreaterThanThreshold", 300)
        by_metric.setdefault(alarm["MetricName"], []).append(alarm)
    dead = by_metric["ApproximateNumberOfMessagesVisible"]
    assert len(dead) == 3 and {(a["Threshold"], a["Statistic"]) for a in dead} == {(0, "Maximum")}
    dlq_ids = {
        _logical_id(app, DEFAULTS, "AWS::SQS::Queue", p)
        for p in ("OrdersBillingDead", "OrdersAuditDead", "OrdersDelivery")
    }
    assert {a["Dimensions"][0]["Value"]["Fn::GetAtt"][0] for a in dead} == dlq_ids
    age = by_metric["ApproximateAgeOfOldestMessage"]
    assert len(age) == 2 and {(a["Threshold"], a["Statistic"]) for a in age} == {(900, "Maximum")}
    (failed,) = by_metric["NumberOfNotificationsFailed"]
    assert (failed["Namespace"], failed["Threshold"], failed["Statistic"]) == ("AWS/SNS", 0, "Sum")
    alarm_topic = _props(app, DEFAULTS, "AWS::SNS::Topic", "OrdersAlarmTopic")
    assert "KmsMasterKeyId" in alarm_topic
    assert app.resources(DEFAULTS, "AWS::SNS::Subscription").keys() == {
        _logical_id(app, DEFAULTS, "AWS::SNS::Subscription", p) for p in ("OrdersBilling", "OrdersAudit")
    }  # no e-mail without one


def test_everything_is_tagged_with_the_pattern(app: Synthesized) -> None:
    for resource_type in ("AWS::SNS::Topic", "AWS::SQS::Queue", "AWS::KMS::Key", "AWS::CloudWatch::Alarm"):
        for props in _by_id(app, DEFAULTS, resource_type).values():
            assert {"Key": "Pattern", "Value": "fan-out"} in props["Tags"]


def test_attributes(app: Synthesized) -> None:
    orders = _fan_out(app, DEFAULTS)
    assert FanOut.PATTERN == "fan-out"
    assert set(orders.queues) == set(orders.dead_letter_queues) == set(orders.subscriptions) == {"billing", "audit"}
    stack = app.stacks[DEFAULTS]
    assert stack.resolve(orders.queues["billing"].queue_arn)["Fn::GetAtt"][0].startswith("OrdersBillingQueue")
    assert stack.resolve(orders.delivery_dead_letter_queue.queue_arn)["Fn::GetAtt"][0].startswith("OrdersDelivery")
    assert orders.topic.master_key is orders.key
    assert len(orders.alarms) == 6
    assert stack.resolve(orders.alarm_topic.topic_arn)["Ref"].startswith("OrdersAlarmTopic")


# FIFO.


def test_fifo_topic_and_queues_deduplicate_by_content(app: Synthesized) -> None:
    topic = _props(app, FIFO, "AWS::SNS::Topic", "LedgerTopic")
    assert (topic["FifoTopic"], topic["ContentBasedDeduplication"]) == (True, True)
    assert topic["TopicName"].startswith("FanOutFifo-Ledger-") and topic["TopicName"].endswith(".fifo")
    (_, sns_statement) = _key_statements(app, FIFO, "LedgerKey")
    assert sns_statement["Condition"]["ArnEquals"]["aws:SourceArn"]["Fn::Join"][1][-1] == f":{topic['TopicName']}"
    ledger = _props(app, FIFO, "AWS::SQS::Queue", "LedgerLedgerQueue")
    assert (ledger["FifoQueue"], ledger["ContentBasedDeduplication"]) == (True, True)
    for prefix in ("LedgerLedgerDeadLetterQueue", "LedgerDeliveryDeadLetterQueue"):
        props = _props(app, FIFO, "AWS::SQS::Queue", prefix)
        assert props["FifoQueue"] is True and "ContentBasedDeduplication" not in props
    # FIFO queues are named, within SQS's 80 characters and ending in .fifo.
    names = [q.get("QueueName") for q in _by_id(app, FIFO, "AWS::SQS::Queue").values() if q.get("FifoQueue")]
    assert len(names) == 3
    for name in names:
        assert name.startswith("FanOutFifo-Ledger-") and name.endswith(".fifo") and len(name) <= 80
    assert len(set(names)) == 3


def test_fifo_names_fit_sqs_and_sns_limits_under_a_long_stack_name() -> None:
    stack = Stack(App(context=CDK_CONTEXT), "S" * 128)
    ledger = FanOut(stack, "L" * 200, fifo=True, queues={"q" * 64: QueueOptions()})
    queue = ledger.queues["q" * 64].node.default_child
    assert isinstance(queue, sqs.CfnQueue)
    assert isinstance(queue.queue_name, str) and len(queue.queue_name) <= 80 and queue.queue_name.endswith(".fifo")
    topic = ledger.topic.node.default_child
    assert isinstance(topic, sns.CfnTopic)
    assert isinstance(topic.topic_name, str) and len(topic.topic_name) <= 256 and topic.topic_name.endswith(".fifo")


def test_a_standard_queue_under_a_fifo_topic(app: Synthesized) -> None:
    for prefix in ("LedgerReportsQueue", "LedgerReportsDeadLetterQueue"):
        props = _props(app, FIFO, "AWS::SQS::Queue", prefix)
        assert "FifoQueue" not in props and "ContentBasedDeduplication" not in props
    delivery = _logical_id(app, FIFO, "AWS::SQS::Queue", "LedgerDeliveryDeadLetterQueue")
    reports = _props(app, FIFO, "AWS::SNS::Subscription", "LedgerReportsSubscription")
    assert reports["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": [delivery, "Arn"]}}


def test_fifo_consumer_takes_no_batching_window(app: Synthesized) -> None:
    mapping = _props(app, FIFO, "AWS::Lambda::EventSourceMapping")
    queue = _logical_id(app, FIFO, "AWS::SQS::Queue", "LedgerLedgerQueue")
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [queue, "Arn"]}
    assert mapping["BatchSize"] == 10
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert "MaximumBatchingWindowInSeconds" not in mapping and "ScalingConfig" not in mapping


def test_consumer_role_gets_only_what_consuming_needs(app: Synthesized) -> None:
    queue = _logical_id(app, FIFO, "AWS::SQS::Queue", "LedgerLedgerQueue")
    key = _logical_id(app, FIFO, "AWS::KMS::Key", "LedgerKey")
    _, consume, decrypt = _props(app, FIFO, "AWS::IAM::Policy", "LedgerConsumerRole")["PolicyDocument"]["Statement"]
    assert consume == {
        "Action": [
            "sqs:ChangeMessageVisibility",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "sqs:GetQueueUrl",
            "sqs:ReceiveMessage",
        ],
        "Effect": "Allow",
        "Resource": {"Fn::GetAtt": [queue, "Arn"]},
    }
    assert decrypt == {"Action": "kms:Decrypt", "Effect": "Allow", "Resource": {"Fn::GetAtt": [key, "Arn"]}}


def test_alarm_email_is_subscribed(app: Synthesized) -> None:
    (mail,) = [s for s in _by_id(app, FIFO, "AWS::SNS::Subscription").values() if s["Protocol"] == "email"]
    assert mail["Endpoint"] == "ops@example.com"
    assert mail["TopicArn"] == {"Ref": _logical_id(app, FIFO, "AWS::SNS::Topic", "LedgerAlarmTopic")}


# Every option.


def test_queue_options(app: Synthesized) -> None:
    payments = _props(app, OPTIONS, "AWS::SQS::Queue", "PaymentsPaymentsQueue")
    assert payments["MessageRetentionPeriod"] == 14 * 86400
    assert (payments["VisibilityTimeout"], payments["ReceiveMessageWaitTimeSeconds"]) == (120, 10)
    assert payments["RedrivePolicy"]["maxReceiveCount"] == 3
    assert _props(app, OPTIONS, "AWS::SQS::Queue", "PaymentsFraudQueue")["MessageRetentionPeriod"] == 43200
    for _, queue in app.resources(OPTIONS, "AWS::SQS::Queue").items():
        assert (queue["DeletionPolicy"], queue["UpdateReplacePolicy"]) == ("Delete", "Delete")


def test_raw_delivery_and_the_body_filter(app: Synthesized) -> None:
    payments = _props(app, OPTIONS, "AWS::SNS::Subscription", "PaymentsPaymentsSubscription")
    assert payments["RawMessageDelivery"] is True and "FilterPolicy" not in payments
    fraud = _props(app, OPTIONS, "AWS::SNS::Subscription", "PaymentsFraudSubscription")
    assert (fraud["FilterPolicy"], fraud["FilterPolicyScope"]) == (BODY_FILTER, "MessageBody")
    assert "RawMessageDelivery" not in fraud


def test_a_consumer_added_from_another_stack_lives_there(app: Synthesized) -> None:
    (mapping,) = app.resources(CONSUMERS, "AWS::Lambda::EventSourceMapping").values()
    reference = mapping["Properties"]["EventSourceArn"]["Fn::GetStackOutput"]
    assert reference["StackName"] == OPTIONS and "PaymentsFraudQueue" in reference["OutputName"]
    (policy,) = app.resources(CONSUMERS, "AWS::IAM::Policy").values()
    actions = [statement["Action"] for statement in policy["Properties"]["PolicyDocument"]["Statement"]]
    assert "sqs:ReceiveMessage" in actions[1] and actions[2] == "kms:Decrypt"
    # The stateful stack knows nothing of its consumer: no cycle, and it deploys first.
    assert "FraudConsumer" not in json.dumps(app.template_json(OPTIONS))
    assert len(app.resources(OPTIONS, "AWS::Lambda::EventSourceMapping")) == 1  # its own consumer only


def test_consumer_with_every_setting(app: Synthesized) -> None:
    mapping = _props(app, OPTIONS, "AWS::Lambda::EventSourceMapping")
    assert (mapping["BatchSize"], mapping["MaximumBatchingWindowInSeconds"]) == (100, 5)
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": 5}
    assert "FunctionResponseTypes" not in mapping


def test_existing_key_is_used_and_told_about_the_topic(app: Synthesized) -> None:
    assert app.resources(OPTIONS, "AWS::KMS::Key").keys() == {_logical_id(app, OPTIONS, "AWS::KMS::Key", "SharedKey")}
    shared = {"Fn::GetAtt": [_logical_id(app, OPTIONS, "AWS::KMS::Key", "SharedKey"), "Arn"]}
    assert _props(app, OPTIONS, "AWS::SNS::Topic", "PaymentsTopic")["KmsMasterKeyId"] == shared
    assert {json.dumps(q["KmsMasterKeyId"]) for q in _by_id(app, OPTIONS, "AWS::SQS::Queue").values()} == {
        json.dumps(shared)
    }
    statements = _key_statements(app, OPTIONS, "SharedKey")
    assert [s["Principal"] for s in statements][1] == SNS


def test_publishers_in_the_topic_and_key_policies(app: Synthesized) -> None:
    topic = _logical_id(app, OPTIONS, "AWS::SNS::Topic", "PaymentsTopic")
    publisher = {"AWS": {"Fn::GetAtt": [_logical_id(app, OPTIONS, "AWS::IAM::Role", "Publisher"), "Arn"]}}
    events = {"Service": "events.amazonaws.com"}
    condition = {"ArnEquals": {"aws:SourceArn": RULE_ARN}}
    _, role_allow, events_allow = _props(app, OPTIONS, "AWS::SNS::TopicPolicy", "PaymentsTopic")["PolicyDocument"][
        "Statement"
    ]
    assert (role_allow["Principal"], role_allow["Action"], role_allow["Resource"]) == (
        publisher,
        "sns:Publish",
        {"Ref": topic},
    )
    assert "Condition" not in role_allow
    assert (events_allow["Principal"], events_allow["Condition"]) == (events, condition)
    _, _, role_key, events_key = _key_statements(app, OPTIONS, "SharedKey")
    assert (role_key["Principal"], role_key["Action"]) == (publisher, ["kms:Decrypt", "kms:GenerateDataKey"])
    assert (events_key["Principal"], events_key["Condition"]) == (events, condition)


def test_grant_publish_grants_the_topic_and_the_key_exactly_once(app: Synthesized) -> None:
    topic = _logical_id(app, OPTIONS, "AWS::SNS::Topic", "PaymentsTopic")
    key = _logical_id(app, OPTIONS, "AWS::KMS::Key", "SharedKey")
    assert _props(app, OPTIONS, "AWS::IAM::Policy", "Granted")["PolicyDocument"]["Statement"] == [
        {"Action": "sns:Publish", "Effect": "Allow", "Resource": {"Ref": topic}},
        {"Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Effect": "Allow", "Resource": {"Fn::GetAtt": [key, "Arn"]}},
    ]


def test_own_alarm_topic_and_threshold(app: Synthesized) -> None:
    ops = _logical_id(app, OPTIONS, "AWS::SNS::Topic", "OpsTopic")
    assert not [t for t in app.resources(OPTIONS, "AWS::SNS::Topic") if t.startswith("PaymentsAlarmTopic")]
    alarms = _by_id(app, OPTIONS, "AWS::CloudWatch::Alarm").values()
    assert {json.dumps(a["AlarmActions"]) for a in alarms} == {json.dumps([{"Ref": ops}])}
    ages = [a["Threshold"] for a in alarms if a["MetricName"] == "ApproximateAgeOfOldestMessage"]
    assert ages == [300, 300]
