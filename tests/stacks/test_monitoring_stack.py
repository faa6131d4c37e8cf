"""Each application's alarms and dashboard: one alarm topic per application and stage
(``<App>-<Stage>-Alarms``, the stage's e-mail subscribed) that every alarm of the
application notifies, and a ``<App>-<Stage>-Monitoring`` dashboard with a section per tier."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from aws_cdk import App

from cdk_refarch.fan_out import QueueOptions
from stacks.fan_out.stack import FanOutStack
from stacks.monitoring.stack import MonitoringStack
from stacks.stages import STAGES
from tests.synthesis import CDK_CONTEXT, Synthesized

#: Application -> the section titles its dashboard shows, one per tier, in order
#: (``<stage>`` is the stage's stack name part).
SECTIONS = {
    "StaticWebsite": ["Static site StaticWebsite-<stage>-Site/Site"],
    "ServerlessWebApp": ["Static site ServerlessWebApp-<stage>-Site/Site", "API ServerlessWebApp-<stage>-Api/Items"],
    "ThreeTierWeb": ["Web tier ThreeTierWeb-<stage>-Web/Web", "Database ThreeTierWeb-<stage>-Data/Database"],
    "ContainerMicroservice": [
        "Container service ContainerMicroservice-<stage>-Service/Service",
        "Database ContainerMicroservice-<stage>-Data/Database",
        "Fan-out ContainerMicroservice-<stage>-Events/Events",
    ],
    "EventDrivenPipeline": [
        "Upload pipeline EventDrivenPipeline-<stage>-Pipeline/Uploads",
        "Fan-out EventDrivenPipeline-<stage>-Events/Events",
    ],
}
#: The applications whose patterns create alarms (and so have an alarm stack), with how
#: many: the API's 5; the web tier's 5 or the container service's 5 (4 of the load
#: balancer, running tasks) with the database's 4 and the cache's 3, and for the container
#: microservice its domain events' fan-out (2, and 2 for its one queue); the pipeline's 6
#: with the fan-out's 2 and 2 per queue (3 queues).
ALARM_COUNTS = {"ServerlessWebApp": 5, "ThreeTierWeb": 12, "ContainerMicroservice": 16, "EventDrivenPipeline": 14}
WITH_ALARMS = list(ALARM_COUNTS)
ALARM_EMAIL = "alarms@example.com"  # tests/conftest.py's production e-mail


@pytest.fixture(params=["sandbox", "production"])
def app(request: pytest.FixtureRequest) -> Synthesized:
    return request.getfixturevalue(request.param)


def _stage(app: Synthesized) -> str:
    return "Production" if _is_production(app) else "Sandbox"


def _is_production(app: Synthesized) -> bool:
    return any("-Production-" in stack_id for stack_id in app.stacks)


def _stacks_of(app: Synthesized, title: str) -> list[str]:
    return [stack_id for stack_id in app.stacks if stack_id.startswith(f"{title}-")]


def _body_text(app: Synthesized, title: str) -> str:
    """The dashboard body's literal parts (its references left out)."""
    _, dashboard = app.only(f"{title}-*-Monitoring", "AWS::CloudWatch::Dashboard")
    body = dashboard["Properties"]["DashboardBody"]
    return "".join(part for part in body["Fn::Join"][1] if isinstance(part, str))


def _topic_output(app: Synthesized, title: str) -> tuple[str, str]:
    """(stack name, output name) of the weak reference to the application's alarm topic."""
    alarms_id = f"{title}-*-Alarms"
    topic_id, _ = app.only(alarms_id, "AWS::SNS::Topic")
    outputs = app.template_json(alarms_id)["Outputs"]
    published = {key: output for key, output in outputs.items() if key.startswith("PublishOutput")}
    (name,) = [key for key, output in published.items() if output["Value"] == {"Ref": topic_id}]
    return app.stack(alarms_id).stack_name, name


@pytest.mark.parametrize("title", list(SECTIONS))
def test_each_dashboard_has_a_section_per_tier(app: Synthesized, title: str) -> None:
    stack = app.stack(f"{title}-*-Monitoring")
    assert isinstance(stack, MonitoringStack)
    expected = [section.replace("<stage>", _stage(app)) for section in SECTIONS[title]]
    assert [section.title for section in stack.dashboard.sections] == expected
    text = _body_text(app, title)
    assert all(f"## {section}\\n" in text for section in expected)
    # One resource: the dashboard, named by CloudFormation (dashboards are global to the account).
    (resource,) = app.template_json(f"{title}-*-Monitoring")["Resources"].values()
    assert resource["Type"] == "AWS::CloudWatch::Dashboard" and "DashboardName" not in resource["Properties"]


@pytest.mark.parametrize("title", list(SECTIONS))
def test_the_dashboard_is_in_the_environment_of_the_tiers_it_reads(app: Synthesized, title: str) -> None:
    monitoring = app.stack(f"{title}-*-Monitoring")
    tiers = [app.stacks[stack_id] for stack_id in _stacks_of(app, title) if stack_id != monitoring.node.id]
    assert {(stack.account, stack.region) for stack in tiers} == {(monitoring.account, monitoring.region)}
    read = {dependency.node.id for dependency in monitoring.dependencies}
    assert read and read <= {stack.node.id for stack in tiers}


def test_the_static_website_has_no_alarm_topic_and_no_alarm_widget(app: Synthesized) -> None:
    assert [stack_id.rsplit("-", 1)[-1] for stack_id in _stacks_of(app, "StaticWebsite")] == ["Site", "Monitoring"]
    assert app.resources("StaticWebsite-*-Site", "AWS::CloudWatch::Alarm") == {}
    assert '"type":"alarm"' not in _body_text(app, "StaticWebsite")
    assert app.stack("StaticWebsite-*-Monitoring").dashboard.alarms == ()


@pytest.mark.parametrize("title", WITH_ALARMS)
def test_every_alarm_of_the_application_notifies_its_one_topic(app: Synthesized, title: str) -> None:
    stack_name, output_name = _topic_output(app, title)
    topic = {"Fn::GetStackOutput": {"StackName": stack_name, "Region": _region(app, title), "OutputName": output_name}}
    alarms: dict[str, dict[str, Any]] = {}
    for stack_id in _stacks_of(app, title):
        for logical_id, alarm in app.resources(stack_id, "AWS::CloudWatch::Alarm").items():
            alarms[f"{stack_id}/{logical_id}"] = alarm["Properties"]
        if not stack_id.endswith("-Alarms"):
            # No pattern made a topic of its own for its alarms.
            assert not [key for key in app.resources(stack_id, "AWS::SNS::Topic") if "AlarmTopic" in key], stack_id
    assert len(alarms) == ALARM_COUNTS[title]
    assert {key: (p["AlarmActions"], p["OKActions"]) for key, p in alarms.items()} == {
        key: ([topic], [topic]) for key in alarms
    }
    # The dashboard shows every one of them, and synth proved each notifies alarm_topic.
    assert len(app.stack(f"{title}-*-Monitoring").dashboard.alarms) == len(alarms)


def _region(app: Synthesized, title: str) -> Any:
    region = app.stack(f"{title}-*-Alarms").region
    return {"Ref": "AWS::Region"} if region.startswith("${") else region


@pytest.mark.parametrize("title", WITH_ALARMS)
def test_the_topic_mails_the_alarm_email_in_production(app: Synthesized, title: str) -> None:
    alarms_id = f"{title}-*-Alarms"
    subscriptions = [s["Properties"] for s in app.resources(alarms_id, "AWS::SNS::Subscription").values()]
    topic_id, _ = app.only(alarms_id, "AWS::SNS::Topic")
    if _is_production(app):
        assert subscriptions == [{"Protocol": "email", "Endpoint": ALARM_EMAIL, "TopicArn": {"Ref": topic_id}}]
    else:
        assert subscriptions == []  # the sandbox is synthesized without an e-mail
    # Encrypted with its own key, kept in production (with the stage's removal policy).
    topic = app.template_json(alarms_id)["Resources"][topic_id]["Properties"]
    key_id, key = app.only(alarms_id, "AWS::KMS::Key")
    assert topic["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert key["DeletionPolicy"] == ("Retain" if _is_production(app) else "Delete")


@pytest.mark.parametrize("title", WITH_ALARMS)
def test_the_alarm_stack_depends_on_nothing_and_is_protected_in_production(app: Synthesized, title: str) -> None:
    alarms = app.stack(f"{title}-*-Alarms")
    assert alarms.dependencies == []
    assert bool(alarms.termination_protection) is _is_production(app)


def test_without_an_alarm_topic_a_stack_keeps_a_topic_of_its_own() -> None:
    """``alarm_topic=None``: the pattern's own topic, with the stage's e-mail, as before."""
    app = App(context=CDK_CONTEXT)
    stack = FanOutStack(
        app,
        "Events",
        stage=replace(STAGES["production"], alarm_email=ALARM_EMAIL),
        queues={"orders": QueueOptions()},
        filter_policies={},
    )
    template = app.synth().get_stack_by_name(stack.stack_name).template
    topics = [key for key, r in template["Resources"].items() if r["Type"] == "AWS::SNS::Topic"]
    assert len(topics) == 2 and any("AlarmTopic" in key for key in topics)
    emails = [
        r["Properties"]["Endpoint"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::SNS::Subscription" and r["Properties"]["Protocol"] == "email"
    ]
    assert emails == [ALARM_EMAIL]
    assert json.dumps(template).count('"Fn::GetStackOutput"') == 0
