"""The app's composition: the applications and their stacks per stage, their names,
selection by name, and the domain context."""

from __future__ import annotations

import re

import pytest
from aws_cdk import App

from cdk_refarch import PatternConfigError
from stacks.applications import APPLICATIONS
from stacks.composition import build_app
from tests.synthesis import CDK_CONTEXT, Synthesized


def test_custom_domain_context_must_be_complete() -> None:
    app = App(context={**CDK_CONTEXT, "site_domain": "www.example.com"})
    with pytest.raises(PatternConfigError, match="site_domain needs hosted_zone_id, hosted_zone_name too"):
        build_app(app)


def test_custom_domain_from_context() -> None:
    app = App(
        context={
            **CDK_CONTEXT,
            "site_domain": "www.example.com",
            "hosted_zone_id": "Z123",
            "hosted_zone_name": "example.com",
            "account": "111111111111",
        }
    )
    stacks = {stack.node.id: stack for stack in build_app(app)}
    site = stacks["StaticWebsite-Sandbox-Site"].site  # type: ignore[attr-defined]
    assert site.certificate is not None
    assert site.url == "https://www.example.com"
    assert {stack.account for stack in stacks.values()} == {"111111111111"}


def test_each_stage_has_every_applications_stacks_named_by_application_stage_and_role(
    sandbox: Synthesized, production: Synthesized
) -> None:
    for app, stage in ((sandbox, "Sandbox"), (production, "Production")):
        names = {stack_id: stack.stack_name for stack_id, stack in app.stacks.items()}
        roles = {
            "StaticWebsite": ["Site", "Monitoring"],
            "ServerlessWebApp": ["Alarms", "Data", "Api", "Site", "Monitoring"],
            "ThreeTierWeb": ["Alarms", "Network", "Data", "Web", "Monitoring"],
            "ContainerMicroservice": ["Alarms", "Network", "Data", "Events", "Service", "Worker", "Monitoring"],
            "EventDrivenPipeline": ["Alarms", "Events", "Pipeline", "Consumers", "Monitoring"],
        }
        expected = {f"{title}-{stage}-{role}": f"{title}-{stage}-{role}" for title in roles for role in roles[title]}
        assert names == {"Account": "refarch-account", **expected}


def test_stateful_stacks_are_protected_from_termination_in_production(
    sandbox: Synthesized, production: Synthesized
) -> None:
    # The alarm stack too: its e-mail subscription was confirmed by a person.
    stateful = {"Alarms", "Network", "Data", "Events", "Pipeline"}
    for app in (sandbox, production):
        for stack_id, stack in app.stacks.items():
            role = stack_id.rsplit("-", 1)[-1]
            wanted = app is production and role in stateful
            assert bool(stack.termination_protection) is wanted, stack_id


@pytest.mark.parametrize("name", list(APPLICATIONS))
def test_one_application_by_name(name: str) -> None:
    app = App(context={**CDK_CONTEXT, "app": name})
    title = APPLICATIONS[name].title
    ids = [stack.node.id for stack in build_app(app)]
    assert ids[0] == "Account" and ids[1:] and all(i.startswith(f"{title}-Sandbox-") for i in ids[1:])


def test_an_unknown_application_fails_with_the_valid_ones() -> None:
    app = App(context={**CDK_CONTEXT, "app": "webshop"})
    message = (
        "app ('webshop') is not an application; valid applications: static-website, serverless-web-app, "
        "three-tier-web, container-microservice, event-driven-pipeline"
    )
    with pytest.raises(PatternConfigError, match=re.escape(message)):
        build_app(app)


def test_web_and_service_domains_from_context_serve_https() -> None:
    app = App(
        context={
            **CDK_CONTEXT,
            "web_domain": "www.example.com",
            "service_domain": "api.example.com",
            "hosted_zone_id": "Z123",
            "hosted_zone_name": "example.com",
        }
    )
    stacks = {stack.node.id: stack for stack in build_app(app)}
    assert stacks["ThreeTierWeb-Sandbox-Web"].web.url == "https://www.example.com"  # type: ignore[attr-defined]
    service = stacks["ContainerMicroservice-Sandbox-Service"].service  # type: ignore[attr-defined]
    assert service.url == "https://api.example.com"
    assert stacks["StaticWebsite-Sandbox-Site"].site.certificate is None  # type: ignore[attr-defined]


def test_a_web_domain_needs_the_hosted_zone() -> None:
    app = App(context={**CDK_CONTEXT, "web_domain": "www.example.com"})
    with pytest.raises(PatternConfigError, match="web_domain needs hosted_zone_id, hosted_zone_name too"):
        build_app(app)
