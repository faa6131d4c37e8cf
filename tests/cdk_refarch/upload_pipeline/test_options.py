"""UploadPipeline's defaults and options, on the variants of variants.py (synthesized
once per module, cdk-nag as a validation plugin)."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_sns as sns

from cdk_refarch.core.functions import POWERTOOLS_LAYER
from cdk_refarch.upload_pipeline import OBJECT_CREATED, UploadPipeline
from cdk_refarch.upload_pipeline.bucket import object_key_filter
from stacks.contracts import load_contract
from tests.cdk_refarch.upload_pipeline.variants import (
    CODE_PATH,
    DEFAULTS,
    ENV,
    OPTIONS,
    RECORDS_TABLE_ARN,
    SHARED,
    TOPIC_ARN,
    TOPIC_KEY_ARN,
    build,
)
from tests.quality.test_gates import lint_findings
from tests.synthesis import CDK_CONTEXT, Synthesized, synthesize

_NAMES = {DEFAULTS: "Uploads", OPTIONS: "Ingest", SHARED: "Inbox"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(tmp_path_factory.mktemp("upload-pipeline"), build)


def _pipeline(app: Synthesized, stack: str) -> UploadPipeline:
    found = app.stacks[stack].node.find_child(_NAMES[stack])
    assert isinstance(found, UploadPipeline)
    return found


def _id(app: Synthesized, stack: str, construct: Any) -> str:
    """The logical ID of an L2 construct's resource."""
    logical_id: str = app.stacks[stack].resolve(Stack.of(construct).get_logical_id(construct.node.default_child))
    return logical_id


def _props(app: Synthesized, stack: str, construct: Any) -> dict[str, Any]:
    resource: dict[str, Any] = app.template_json(stack)["Resources"][_id(app, stack, construct)]
    return resource


def _arn(logical_id: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def _objects(bucket: str, path: str) -> dict[str, Any]:
    return {"Fn::Join": ["", [_arn(bucket), path]]}


def _statements(app: Synthesized, stack: str) -> list[dict[str, Any]]:
    role = _pipeline(app, stack).function.role
    policy = app.template_json(stack)["Resources"][_id(app, stack, role.node.find_child("DefaultPolicy"))]
    statements: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


@pytest.mark.parametrize("stack", [DEFAULTS, OPTIONS, SHARED])
def test_nag_lint_and_warnings_are_clean(app: Synthesized, stack: str) -> None:
    assert app.violations_of(stack) == []
    assert lint_findings(app, stack) == []
    assert app.warnings_of(stack) == []


# The bucket.


@pytest.mark.parametrize("stack", [DEFAULTS, OPTIONS, SHARED])
def test_bucket_sends_events_to_eventbridge_natively(app: Synthesized, stack: str) -> None:
    bucket = _props(app, stack, _pipeline(app, stack).bucket)["Properties"]
    assert bucket["NotificationConfiguration"] == {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}
    types = {resource["Type"] for resource in app.template_json(stack)["Resources"].values()}
    assert "Custom::S3BucketNotifications" not in types
    # No Lambda of CDK's for notifications: ours, and (DESTROY only) CDK's bucket emptier.
    functions = app.resources(stack, "AWS::Lambda::Function")
    ours = _id(app, stack, _pipeline(app, stack).function)
    assert {logical_id for logical_id in functions if logical_id != ours} <= {
        logical_id for logical_id in functions if logical_id.startswith("CustomS3AutoDeleteObjects")
    }


def test_defaults_have_one_function(app: Synthesized) -> None:
    assert list(app.resources(DEFAULTS, "AWS::Lambda::Function")) == [
        _id(app, DEFAULTS, _pipeline(app, DEFAULTS).function)
    ]


def test_bucket_defaults(app: Synthesized) -> None:
    pipeline = _pipeline(app, DEFAULTS)
    bucket = _props(app, DEFAULTS, pipeline.bucket)
    assert bucket["DeletionPolicy"] == "Retain"
    properties = bucket["Properties"]
    assert properties["LifecycleConfiguration"]["Rules"] == [
        {
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
            "Id": "noncurrent-versions",
            "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
            "Status": "Enabled",
        }
    ]
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert properties["LoggingConfiguration"] == {
        "DestinationBucketName": {"Ref": _id(app, DEFAULTS, pipeline.log_bucket)},
        "LogFilePrefix": "s3/uploads/",
    }
    log_bucket = _props(app, DEFAULTS, pipeline.log_bucket)["Properties"]
    assert log_bucket["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] == 365


def test_bucket_options(app: Synthesized) -> None:
    pipeline = _pipeline(app, OPTIONS)
    bucket = _props(app, OPTIONS, pipeline.bucket)
    assert bucket["DeletionPolicy"] == "Delete"
    (rule,) = bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 90}
    log_bucket = _props(app, OPTIONS, pipeline.log_bucket)["Properties"]
    assert log_bucket["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] == 30


def test_existing_log_bucket_is_used(app: Synthesized) -> None:
    pipeline = _pipeline(app, SHARED)
    log_bucket = _id(app, SHARED, pipeline.log_bucket)
    assert log_bucket.startswith("LogsBucket")  # the stack's, not one of the pipeline's
    assert set(app.resources(SHARED, "AWS::S3::Bucket")) == {log_bucket, _id(app, SHARED, pipeline.bucket)}
    logging = _props(app, SHARED, pipeline.bucket)["Properties"]["LoggingConfiguration"]
    assert logging["DestinationBucketName"] == {"Ref": log_bucket}


# The rule.


def test_detail_type_is_the_runtime_contracts() -> None:
    assert OBJECT_CREATED == load_contract("uploads").S3_OBJECT_CREATED == "Object Created"


def _rule(app: Synthesized, stack: str) -> dict[str, Any]:
    properties: dict[str, Any] = _props(app, stack, _pipeline(app, stack).rule)["Properties"]
    return properties


def test_rule_matches_new_objects_of_this_bucket(app: Synthesized) -> None:
    pipeline = _pipeline(app, DEFAULTS)
    rule = _rule(app, DEFAULTS)
    assert rule["EventPattern"] == {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": [{"Ref": _id(app, DEFAULTS, pipeline.bucket)}]}},
    }
    assert "EventBusName" not in rule  # the default bus, where S3 sends events
    assert rule["Targets"] == [
        {
            "Arn": _arn(_id(app, DEFAULTS, pipeline.queue)),
            "DeadLetterConfig": {"Arn": _arn(_id(app, DEFAULTS, pipeline.rule_dead_letter_queue))},
            "Id": "Target0",
            "RetryPolicy": {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185},
        }
    ]


def test_prefix_and_suffixes_make_one_wildcard_per_suffix(app: Synthesized) -> None:
    rule = _rule(app, OPTIONS)
    assert rule["EventPattern"]["detail"]["object"] == {
        "key": [{"wildcard": "incoming/images/*.jpg"}, {"wildcard": "incoming/images/*.png"}]
    }
    assert rule["Targets"][0]["RetryPolicy"] == {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 10}


def test_prefix_alone_is_a_prefix_match(app: Synthesized) -> None:
    assert _rule(app, SHARED)["EventPattern"]["detail"]["object"] == {"key": [{"prefix": "inbox"}]}


def test_key_filters() -> None:
    assert object_key_filter("", ()) is None
    assert object_key_filter("", (".csv", ".tsv")) == [{"suffix": ".csv"}, {"suffix": ".tsv"}]
    assert object_key_filter("in/", ()) == [{"prefix": "in/"}]
    assert object_key_filter("in/", (".csv",)) == [{"wildcard": "in/*.csv"}]


# The queues.


def test_buffer_queue_defaults(app: Synthesized) -> None:
    pipeline = _pipeline(app, DEFAULTS)
    queue = _props(app, DEFAULTS, pipeline.queue)
    assert queue["DeletionPolicy"] == "Retain"
    properties = dict(queue["Properties"])
    properties.pop("Tags")
    assert properties == {
        "SqsManagedSseEnabled": True,
        "VisibilityTimeout": 180,  # 6 x the function's 30 s
        "ReceiveMessageWaitTimeSeconds": 20,
        "MessageRetentionPeriod": 345600,
        "RedrivePolicy": {
            "deadLetterTargetArn": _arn(_id(app, DEFAULTS, pipeline.dead_letter_queue)),
            "maxReceiveCount": 5,
        },
    }


@pytest.mark.parametrize("attribute", ["dead_letter_queue", "rule_dead_letter_queue"])
def test_dead_letter_queues(app: Synthesized, attribute: str) -> None:
    queue = _props(app, DEFAULTS, getattr(_pipeline(app, DEFAULTS), attribute))
    assert queue["DeletionPolicy"] == "Retain"
    properties = dict(queue["Properties"])
    properties.pop("Tags")
    assert properties == {"SqsManagedSseEnabled": True, "MessageRetentionPeriod": 1209600}


def test_buffer_queue_options(app: Synthesized) -> None:
    queue = _props(app, OPTIONS, _pipeline(app, OPTIONS).queue)
    assert queue["DeletionPolicy"] == "Delete"
    assert queue["Properties"]["VisibilityTimeout"] == 600
    assert queue["Properties"]["RedrivePolicy"]["maxReceiveCount"] == 3


def _queue_policy(app: Synthesized, stack: str, queue: Any) -> list[dict[str, Any]]:
    policy = app.template_json(stack)["Resources"][_id(app, stack, queue.node.find_child("Policy"))]
    assert policy["Properties"]["Queues"] == [{"Ref": _id(app, stack, queue)}]
    statements: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def _tls_only(queue_id: str) -> dict[str, Any]:
    return {
        "Action": "sqs:*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Resource": _arn(queue_id),
    }


def test_only_the_rule_may_send_to_the_queues(app: Synthesized) -> None:
    pipeline = _pipeline(app, DEFAULTS)
    rule = _arn(_id(app, DEFAULTS, pipeline.rule))
    from_rule = {
        "Condition": {"ArnEquals": {"aws:SourceArn": rule}},
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
    }
    queue, dlq, rule_dlq = (
        _id(app, DEFAULTS, q) for q in (pipeline.queue, pipeline.dead_letter_queue, pipeline.rule_dead_letter_queue)
    )
    assert _queue_policy(app, DEFAULTS, pipeline.queue) == [
        _tls_only(queue),
        {
            "Action": ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"],
            **from_rule,
            "Resource": _arn(queue),
        },
    ]
    (tls, send) = _queue_policy(app, DEFAULTS, pipeline.rule_dead_letter_queue)
    assert tls == _tls_only(rule_dlq)
    assert {key: value for key, value in send.items() if key != "Sid"} == {
        "Action": "sqs:SendMessage",
        **from_rule,
        "Resource": _arn(rule_dlq),
    }
    # The buffer's dead-letter queue takes messages from SQS's redrive only.
    assert _queue_policy(app, DEFAULTS, pipeline.dead_letter_queue) == [_tls_only(dlq)]


# The consumer.


def _mapping(app: Synthesized, stack: str) -> dict[str, Any]:
    (mapping,) = app.resources(stack, "AWS::Lambda::EventSourceMapping").values()
    properties = dict(mapping["Properties"])
    properties.pop("Tags")
    return properties


def test_event_source_defaults(app: Synthesized) -> None:
    pipeline = _pipeline(app, DEFAULTS)
    assert _mapping(app, DEFAULTS) == {
        "BatchSize": 10,
        "EventSourceArn": _arn(_id(app, DEFAULTS, pipeline.queue)),
        "FunctionName": {"Ref": _id(app, DEFAULTS, pipeline.function)},
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "MaximumBatchingWindowInSeconds": 0,
        "ScalingConfig": {"MaximumConcurrency": 10},
    }


def test_event_source_options(app: Synthesized) -> None:
    mapping = _mapping(app, OPTIONS)
    assert (mapping["BatchSize"], mapping["MaximumBatchingWindowInSeconds"]) == (100, 5)
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": 20}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def _function(app: Synthesized, stack: str) -> dict[str, Any]:
    properties: dict[str, Any] = _props(app, stack, _pipeline(app, stack).function)["Properties"]
    return properties


def test_function_defaults(app: Synthesized) -> None:
    pipeline = _pipeline(app, DEFAULTS)
    function = _function(app, DEFAULTS)
    assert (function["Runtime"], function["Architectures"]) == ("python3.14", ["arm64"])
    assert function["Handler"] == "handler.handler"
    assert (function["MemorySize"], function["Timeout"]) == (256, 30)
    assert "ReservedConcurrentExecutions" not in function
    assert function["TracingConfig"] == {"Mode": "Active"}
    assert function["Layers"] == [POWERTOOLS_LAYER.format(partition="aws", region="eu-west-1")]
    (log_group_id, log_group) = app.only(DEFAULTS, "AWS::Logs::LogGroup")
    assert function["LoggingConfig"] == {"LogGroup": {"Ref": log_group_id}}
    assert (log_group["Properties"]["RetentionInDays"], log_group["DeletionPolicy"]) == (365, "Retain")
    assert function["Environment"]["Variables"] == {
        "RECORDS_TABLE_NAME": {"Ref": _id(app, DEFAULTS, pipeline.records_table)},
        "IDEMPOTENCY_TABLE_NAME": {"Ref": _id(app, DEFAULTS, pipeline.idempotency_table)},
        "EVENT_TOPIC_ARN": {"Ref": "EventsD32975C2"},
        "IDEMPOTENCY_TTL_SECONDS": "86400",
        "POWERTOOLS_SERVICE_NAME": "uploads",
        "POWERTOOLS_METRICS_NAMESPACE": "uploads",
        "LOG_LEVEL": "INFO",
    }


def test_environment_names_match_the_runtime_contract(app: Synthesized) -> None:
    contract = load_contract("uploads")
    names = {getattr(contract, name) for name in dir(contract) if name.startswith("ENV_")}
    assert set(_function(app, DEFAULTS)["Environment"]["Variables"]) == names


def test_function_options(app: Synthesized) -> None:
    pipeline = _pipeline(app, OPTIONS)
    function = _function(app, OPTIONS)
    assert (function["MemorySize"], function["Timeout"], function["ReservedConcurrentExecutions"]) == (1024, 60, 20)
    assert function["Environment"]["Variables"] == {
        "RECORDS": {"Ref": _id(app, OPTIONS, pipeline.records_table)},
        "IDEMPOTENCY": {"Ref": _id(app, OPTIONS, pipeline.idempotency_table)},
        "TOPIC": {"Ref": "EventsD32975C2"},
        "TTL": "7200",
        "SERVICE": "image-ingest",
        "NAMESPACE": "image-ingest",
        "LEVEL": "DEBUG",
    }
    (_, log_group) = app.only(OPTIONS, "AWS::Logs::LogGroup")
    assert (log_group["Properties"]["RetentionInDays"], log_group["DeletionPolicy"]) == (30, "Delete")


def test_role_is_the_functions_own(app: Synthesized) -> None:
    role = _props(app, DEFAULTS, _pipeline(app, DEFAULTS).function.role)["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}
    ]
    assert "ManagedPolicyArns" not in role


def _consumer_statements(
    bucket: str, objects: str, records: Any, idempotency: str, topic: Any, key: Any, logs: str, queue: str
) -> list[dict[str, Any]]:
    return [
        {"Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Effect": "Allow", "Resource": _arn(logs)},
        {"Action": ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], "Effect": "Allow", "Resource": "*"},
        {
            "Action": [
                "sqs:ChangeMessageVisibility",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl",
                "sqs:ReceiveMessage",
            ],
            "Effect": "Allow",
            "Resource": _arn(queue),
        },
        {"Action": ["s3:GetObject", "s3:GetObjectVersion"], "Effect": "Allow", "Resource": _objects(bucket, objects)},
        {"Action": "s3:ListBucket", "Effect": "Allow", "Resource": _arn(bucket)},
        {"Action": "dynamodb:PutItem", "Effect": "Allow", "Resource": records},
        {
            "Action": ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
            "Effect": "Allow",
            "Resource": _arn(idempotency),
        },
        {"Action": "sns:Publish", "Effect": "Allow", "Resource": topic},
        {"Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Effect": "Allow", "Resource": key},
    ]


@pytest.mark.parametrize(("stack", "objects"), [(DEFAULTS, "/*"), (OPTIONS, "/incoming/images/*")])
def test_function_may_do_exactly_what_the_handler_does(app: Synthesized, stack: str, objects: str) -> None:
    pipeline = _pipeline(app, stack)
    (log_group, _) = app.only(stack, "AWS::Logs::LogGroup")
    assert _statements(app, stack) == _consumer_statements(
        _id(app, stack, pipeline.bucket),
        objects,
        _arn(_id(app, stack, pipeline.records_table)),
        _id(app, stack, pipeline.idempotency_table),
        {"Ref": "EventsD32975C2"},
        _arn("EventKey567EB652"),  # the topic's own key, once
        log_group,
        _id(app, stack, pipeline.queue),
    )


def test_imported_topic_key_and_records_table_are_granted(app: Synthesized) -> None:
    pipeline = _pipeline(app, SHARED)
    (log_group, _) = app.only(SHARED, "AWS::Logs::LogGroup")
    assert _statements(app, SHARED) == _consumer_statements(
        _id(app, SHARED, pipeline.bucket),
        "/inbox*",
        RECORDS_TABLE_ARN,
        _id(app, SHARED, pipeline.idempotency_table),
        TOPIC_ARN,
        TOPIC_KEY_ARN,
        log_group,
        _id(app, SHARED, pipeline.queue),
    )
    assert _function(app, SHARED)["Environment"]["Variables"]["RECORDS_TABLE_NAME"] == "upload-records"
    assert _function(app, SHARED)["Environment"]["Variables"]["EVENT_TOPIC_ARN"] == TOPIC_ARN


def test_topic_without_a_key_gets_no_key_grant() -> None:
    stack = Stack(App(context=CDK_CONTEXT), "Plain", env=ENV)
    topic = sns.Topic.from_topic_arn(stack, "Topic", TOPIC_ARN)
    pipeline = UploadPipeline(stack, "Uploads", code_path=CODE_PATH, event_topic=topic)
    statements = stack.resolve(pipeline.function.role.node.find_child("DefaultPolicy").document.to_json())["Statement"]
    actions = [action for statement in statements for action in _listed(statement["Action"])]
    assert "sns:Publish" in actions
    assert not [action for action in actions if action.startswith("kms:")]


def _listed(actions: str | list[str]) -> list[str]:
    return [actions] if isinstance(actions, str) else actions


def test_grant_upload_allows_put_under_the_prefix_only(app: Synthesized) -> None:
    (policy_id, policy) = app.only(OPTIONS, "AWS::IAM::Policy", "Uploader")
    assert policy["Properties"]["PolicyDocument"]["Statement"] == [
        {
            "Action": "s3:PutObject",
            "Effect": "Allow",
            "Resource": _objects(_id(app, OPTIONS, _pipeline(app, OPTIONS).bucket), "/incoming/images/*"),
        }
    ]
    assert policy_id.startswith("UploaderDefaultPolicy")


# The tables.


def _table(app: Synthesized, stack: str, table: Any) -> dict[str, Any]:
    resource: dict[str, Any] = app.template_json(stack)["Resources"][
        app.stacks[stack].resolve(Stack.of(table).get_logical_id(table.node.default_child))
    ]
    return resource


def test_tables_defaults(app: Synthesized) -> None:
    pipeline = _pipeline(app, DEFAULTS)
    records, idempotency = (_table(app, DEFAULTS, t) for t in (pipeline.records_table, pipeline.idempotency_table))
    for table, key in ((records, "object_id"), (idempotency, "id")):
        assert table["DeletionPolicy"] == "Retain"
        properties = table["Properties"]
        assert properties["KeySchema"] == [{"AttributeName": key, "KeyType": "HASH"}]
        assert properties["AttributeDefinitions"] == [{"AttributeName": key, "AttributeType": "S"}]
        assert properties["BillingMode"] == "PAY_PER_REQUEST"
        (replica,) = properties["Replicas"]
        assert replica["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert replica["DeletionProtectionEnabled"] is False
    assert "TimeToLiveSpecification" not in records["Properties"]
    assert idempotency["Properties"]["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}


def test_tables_options(app: Synthesized) -> None:
    pipeline = _pipeline(app, OPTIONS)
    records, idempotency = (_table(app, OPTIONS, t) for t in (pipeline.records_table, pipeline.idempotency_table))
    assert records["Properties"]["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert idempotency["Properties"]["KeySchema"] == [{"AttributeName": "request", "KeyType": "HASH"}]
    assert idempotency["Properties"]["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    for table in (records, idempotency):
        assert table["DeletionPolicy"] == "Delete"
        assert table["Properties"]["Replicas"][0]["DeletionProtectionEnabled"] is True


def test_existing_records_table_creates_only_the_idempotency_table(app: Synthesized) -> None:
    pipeline = _pipeline(app, SHARED)
    assert list(app.resources(SHARED, "AWS::DynamoDB::GlobalTable")) == [_id(app, SHARED, pipeline.idempotency_table)]
    assert pipeline.records_table.table_arn == RECORDS_TABLE_ARN


# The alarms.


def _alarms(app: Synthesized, stack: str) -> dict[str, dict[str, Any]]:
    found = {}
    for logical_id, alarm in app.resources(stack, "AWS::CloudWatch::Alarm").items():
        properties = alarm["Properties"]
        name = next(
            n
            for n in (
                "DeadLetterQueue",
                "RuleDeadLetterQueue",
                "OldestMessage",
                "FunctionErrors",
                "FunctionThrottles",
                "FailedInvocations",
            )
            if logical_id.startswith(f"{_NAMES[stack]}{n}Alarm")
        )
        found[name] = properties
    return found


def test_alarms_defaults(app: Synthesized) -> None:
    pipeline = _pipeline(app, DEFAULTS)
    alarms = _alarms(app, DEFAULTS)
    assert len(pipeline.alarms) == len(alarms) == 6

    def queue_name(queue: Any) -> list[dict[str, Any]]:
        return [{"Name": "QueueName", "Value": {"Fn::GetAtt": [_id(app, DEFAULTS, queue), "QueueName"]}}]

    function = [{"Name": "FunctionName", "Value": {"Ref": _id(app, DEFAULTS, pipeline.function)}}]
    expected = {
        "DeadLetterQueue": (
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            "Maximum",
            0,
            queue_name(pipeline.dead_letter_queue),
        ),
        "RuleDeadLetterQueue": (
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            "Maximum",
            0,
            queue_name(pipeline.rule_dead_letter_queue),
        ),
        "OldestMessage": ("AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum", 900, queue_name(pipeline.queue)),
        "FunctionErrors": ("AWS/Lambda", "Errors", "Sum", 0, function),
        "FunctionThrottles": ("AWS/Lambda", "Throttles", "Sum", 0, function),
        "FailedInvocations": (
            "AWS/Events",
            "FailedInvocations",
            "Sum",
            0,
            [{"Name": "RuleName", "Value": {"Ref": _id(app, DEFAULTS, pipeline.rule)}}],
        ),
    }
    topic = {"Ref": _id(app, DEFAULTS, pipeline.alarm_topic)}
    for name, (namespace, metric, statistic, threshold, dimensions) in expected.items():
        alarm = alarms[name]
        assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == (namespace, metric, statistic), name
        assert (alarm["Threshold"], alarm["Period"], alarm["ComparisonOperator"]) == (
            threshold,
            300,
            "GreaterThanThreshold",
        )
        assert alarm["Dimensions"] == dimensions, name
        assert alarm["AlarmActions"] == alarm["OKActions"] == [topic]
        assert alarm["TreatMissingData"] == "notBreaching"
    # An encrypted topic made here, with no subscription.
    assert _props(app, DEFAULTS, pipeline.alarm_topic)["Properties"]["KmsMasterKeyId"]
    assert app.resources(DEFAULTS, "AWS::SNS::Subscription") == {}


def test_alarm_options(app: Synthesized) -> None:
    pipeline = _pipeline(app, OPTIONS)
    alarms = _alarms(app, OPTIONS)
    assert alarms["OldestMessage"]["Threshold"] == 300
    assert alarms["FunctionErrors"]["Threshold"] == 3
    (subscription,) = app.resources(OPTIONS, "AWS::SNS::Subscription").values()
    assert subscription["Properties"]["Endpoint"] == "ops@example.com"
    assert subscription["Properties"]["TopicArn"] == {"Ref": _id(app, OPTIONS, pipeline.alarm_topic)}


def test_given_alarm_topic_is_used(app: Synthesized) -> None:
    pipeline = _pipeline(app, SHARED)
    topic = _id(app, SHARED, pipeline.alarm_topic)
    assert topic.startswith("OpsTopic")
    assert list(app.resources(SHARED, "AWS::SNS::Topic")) == [topic]
    for alarm in _alarms(app, SHARED).values():
        assert alarm["AlarmActions"] == [{"Ref": topic}]


def test_resources_are_tagged_with_the_pattern(app: Synthesized) -> None:
    pipeline = _pipeline(app, DEFAULTS)
    for construct in (pipeline.bucket, pipeline.queue, pipeline.rule, pipeline.function):
        assert {"Key": "Pattern", "Value": "upload-pipeline"} in _props(app, DEFAULTS, construct)["Properties"]["Tags"]
