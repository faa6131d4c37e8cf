"""The app's composition: which stacks a stage has, their names, and the domain context."""

from __future__ import annotations

import pytest
from aws_cdk import App

from cdk_refarch import PatternConfigError
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
    site = stacks["StaticSite"].site  # type: ignore[attr-defined]
    assert site.certificate is not None
    assert site.url == "https://www.example.com"
    assert {stack.account for stack in stacks.values()} == {"111111111111"}


def test_each_stage_has_its_stacks_named_by_stage(sandbox: Synthesized, production: Synthesized) -> None:
    for app, stage in ((sandbox, "sandbox"), (production, "production")):
        names = {stack_id: stack.stack_name for stack_id, stack in app.stacks.items()}
        assert names == {
            "Account": "refarch-account",
            "StaticSite": f"{stage}-static-site",
            "ServerlessApiData": f"{stage}-serverless-api-data",
            "ServerlessApi": f"{stage}-serverless-api",
            "Network": f"{stage}-network",
            "WebTier": f"{stage}-web-tier",
            "ContainerService": f"{stage}-container-service",
            "Database": f"{stage}-database",
            "FanOut": f"{stage}-fan-out",
            "UploadPipeline": f"{stage}-upload-pipeline",
        }


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
    assert stacks["WebTier"].web.url == "https://www.example.com"  # type: ignore[attr-defined]
    assert stacks["ContainerService"].service.url == "https://api.example.com"  # type: ignore[attr-defined]
    assert stacks["StaticSite"].site.certificate is None  # type: ignore[attr-defined]


def test_a_web_domain_needs_the_hosted_zone() -> None:
    app = App(context={**CDK_CONTEXT, "web_domain": "www.example.com"})
    with pytest.raises(PatternConfigError, match="web_domain needs hosted_zone_id, hosted_zone_name too"):
        build_app(app)
