"""`make deploy STAGE=production` refuses alarms that notify nobody and plain-HTTP load balancers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from deploy.assembly import StackArtifact
from deploy.real_account import Refusal, require_alarm_email, require_https

ALARM = {"Type": "AWS::CloudWatch::Alarm", "Properties": {}}
EMAIL = {"Type": "AWS::SNS::Subscription", "Properties": {"Protocol": "email", "Endpoint": "ops@example.com"}}


def _stack(tmp_path: Path, stack_id: str, resources: dict[str, Any]) -> StackArtifact:
    import json

    path = tmp_path / f"{stack_id}.template.json"
    path.write_text(json.dumps({"Resources": resources}))
    return StackArtifact(
        id=stack_id,
        stack_name=stack_id.lower(),
        account=None,
        region=None,
        template_file=path,
        bootstrap_parameter="/cdk-bootstrap/hnb659fds/version",
        bootstrap_version=6,
    )


def test_production_alarms_without_email_are_refused(tmp_path: Path) -> None:
    stacks = [_stack(tmp_path, "Api", {"Alarm": ALARM}), _stack(tmp_path, "Site", {})]
    with pytest.raises(Refusal, match=re.escape("the alarms of Api would notify nobody")) as raised:
        require_alarm_email("production", stacks)
    assert "ALARM_EMAIL=you@example.com" in str(raised.value)


def test_production_alarms_with_an_email_subscription_pass(tmp_path: Path) -> None:
    require_alarm_email("production", [_stack(tmp_path, "Api", {"Alarm": ALARM, "Email": EMAIL})])


def test_the_sandbox_may_deploy_without_email(tmp_path: Path) -> None:
    require_alarm_email("sandbox", [_stack(tmp_path, "Api", {"Alarm": ALARM})])


def _listener(protocol: str, action: str) -> dict[str, Any]:
    return {
        "Type": "AWS::ElasticLoadBalancingV2::Listener",
        "Properties": {"Protocol": protocol, "DefaultActions": [{"Type": action}]},
    }


def test_a_production_plain_http_listener_is_refused(tmp_path: Path) -> None:
    stacks = [_stack(tmp_path, "Web", {"Http": _listener("HTTP", "forward")})]
    with pytest.raises(Refusal, match=re.escape("Web/Http would serve plain HTTP in production")):
        require_https("production", stacks)


def test_https_with_a_redirect_from_http_passes(tmp_path: Path) -> None:
    resources = {"Http": _listener("HTTP", "redirect"), "Https": _listener("HTTPS", "forward")}
    require_https("production", [_stack(tmp_path, "Web", resources)])


def test_the_sandbox_may_serve_plain_http(tmp_path: Path) -> None:
    require_https("sandbox", [_stack(tmp_path, "Web", {"Http": _listener("HTTP", "forward")})])
