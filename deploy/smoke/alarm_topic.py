"""Smoke checks of an application's alarm stack (``alarm-topic``, see ``deploy/smoke/__init__.py``).

On both targets, read back through the SNS and KMS APIs: the topic under its own
customer-managed key with rotation on, TLS-only; the key usable by CloudWatch for this
account's alarms only; the template's e-mail subscription on the topic (skipped when no
alarm e-mail was given). That the application's alarms notify this topic is proven at
synth (``ApplicationDashboard(alarm_topic=...)``) and by ``tests/stacks/test_monitoring_stack.py``.
"""

from __future__ import annotations

import json

from deploy.smoke import SmokeContext, SmokeSkip, _queues

TOPIC = "AWS::SNS::Topic"
SUBSCRIPTION = "AWS::SNS::Subscription"


def check_topic_is_encrypted_and_tls_only(ctx: SmokeContext) -> None:
    _queues.assert_topic_encrypted_and_tls_only(ctx, ctx.only(TOPIC))


def check_key_rotates_and_serves_cloudwatch_alarms_of_this_account_only(ctx: SmokeContext) -> None:
    kms = ctx.client("kms")
    key_id = ctx.only("AWS::KMS::Key")
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True, "key rotation is off"
    statements = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])["Statement"]
    cloudwatch = [s for s in statements if s.get("Principal", {}).get("Service") == "cloudwatch.amazonaws.com"]
    assert cloudwatch, f"CloudWatch may not use the key, so alarms cannot publish: {statements}"
    for statement in cloudwatch:
        conditions = statement.get("Condition", {})
        assert "aws:SourceAccount" in conditions.get("StringEquals", {}), statement
        assert ":alarm:" in str(conditions.get("ArnLike", {}).get("aws:SourceArn", "")), statement


def check_topic_mails_the_alarm_email(ctx: SmokeContext) -> None:
    resources = ctx.template["Resources"]
    wanted = sorted(
        resources[key]["Properties"]["Endpoint"]
        for key in ctx.logical_ids(SUBSCRIPTION)
        if resources[key]["Properties"].get("Protocol") == "email"
    )
    if not wanted:
        raise SmokeSkip("no alarm e-mail was given (-c alarm_email / ALARM_EMAIL=): the topic has no subscriber")
    subscriptions = ctx.client("sns").list_subscriptions_by_topic(TopicArn=ctx.only(TOPIC))["Subscriptions"]
    mailed = sorted(sub["Endpoint"] for sub in subscriptions if sub["Protocol"] == "email")
    assert mailed == wanted, f"the alarm topic mails {mailed}, the template asks for {wanted}"
