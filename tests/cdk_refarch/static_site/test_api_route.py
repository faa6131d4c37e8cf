"""StaticSite's ``api=ApiRoute(...)``: the behaviour, its function, and the refusals."""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk.assertions import Template

from cdk_refarch import ApiRoute, PatternConfigError, StaticSite
from cdk_refarch.static_site.api_route import strip_prefix_code
from deploy.isolation import NODE_BIN
from stacks.static_site.stack import SITE_SOURCES
from tests.cdk_refarch.static_site.variants import US_EAST_1
from tests.synthesis import CDK_CONTEXT, Synthesized

STACK = "SiteWithApi"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def _config(app: Synthesized, prefix: str) -> dict[str, Any]:
    return app.only(STACK, "AWS::CloudFront::Distribution", prefix)[1]["Properties"]["DistributionConfig"]


def _api_output(app: Synthesized, reference: dict[str, Any]) -> Any:
    output = reference["Fn::GetStackOutput"]
    assert (output["StackName"], output["Region"]) == ("ApiOptions", "eu-west-1")
    return app.template_json("ApiOptions")["Outputs"][output["OutputName"]]["Value"]


# --- the behaviour ------------------------------------------------------------------------


def test_api_behaviour_is_uncached_https_only_and_takes_every_method(variants: Synthesized) -> None:
    config = _config(variants, "SiteDistribution")
    (behavior,) = config["CacheBehaviors"]
    assert behavior["PathPattern"] == "/backend/v1/*"
    assert behavior["CachePolicyId"] == CACHING_DISABLED
    assert behavior["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER
    assert behavior["ViewerProtocolPolicy"] == "https-only"
    assert sorted(behavior["AllowedMethods"]) == ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    policy_id, _ = variants.only(STACK, "AWS::CloudFront::ResponseHeadersPolicy", "SiteSecurityHeaders")
    assert behavior["ResponseHeadersPolicyId"] == {"Ref": policy_id}
    # The page itself stays on the bucket, read-only and cached.
    default = config["DefaultCacheBehavior"]
    assert (default["AllowedMethods"], default["ViewerProtocolPolicy"]) == (["GET", "HEAD"], "redirect-to-https")


def test_api_origin_is_the_apis_regional_endpoint_at_its_stage(variants: Synthesized) -> None:
    config = _config(variants, "SiteDistribution")
    (behavior,) = config["CacheBehaviors"]
    (origin,) = [o for o in config["Origins"] if o["Id"] == behavior["TargetOriginId"]]
    assert origin["CustomOriginConfig"] == {"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"]}
    api_id, _ = variants.only("ApiOptions", "AWS::ApiGateway::RestApi")
    stage_id, stage = variants.only("ApiOptions", "AWS::ApiGateway::Stage")
    # The API is in eu-west-1: its region is in the name, the ID read across regions.
    rest_api, suffix, url_suffix = origin["DomainName"]["Fn::Join"][1]
    assert _api_output(variants, rest_api) == {"Ref": api_id}
    assert (suffix, url_suffix) == (".execute-api.eu-west-1.", {"Ref": "AWS::URLSuffix"})
    slash, stage_name = origin["OriginPath"]["Fn::Join"][1]
    assert (slash, _api_output(variants, stage_name)) == ("/", {"Ref": stage_id})
    assert stage["Properties"]["StageName"] == "v1"


def test_prefix_function_runs_on_viewer_requests_of_the_api_only(variants: Synthesized) -> None:
    function_id, function = variants.only(STACK, "AWS::CloudFront::Function")
    props = function["Properties"]
    assert props["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    assert props["AutoPublish"] is True
    assert props["FunctionCode"] == strip_prefix_code("/backend")
    config = _config(variants, "SiteDistribution")
    (behavior,) = config["CacheBehaviors"]
    assert behavior["FunctionAssociations"] == [
        {"EventType": "viewer-request", "FunctionARN": {"Fn::GetAtt": [function_id, "FunctionARN"]}}
    ]
    assert "FunctionAssociations" not in config["DefaultCacheBehavior"]


def test_without_strip_prefix_paths_are_forwarded_as_they_are(variants: Synthesized) -> None:
    (behavior,) = _config(variants, "UnstrippedDistribution")["CacheBehaviors"]
    assert behavior["PathPattern"] == "/api/*"
    assert "FunctionAssociations" not in behavior
    functions = variants.resources(STACK, "AWS::CloudFront::Function")
    assert [k for k in functions if k.startswith("Unstripped")] == []


def test_no_api_no_behaviour(variants: Synthesized) -> None:
    assert "CacheBehaviors" not in _config_of(variants, "Defaults")
    variants.template("Defaults").resource_count_is("AWS::CloudFront::Function", 0)


def _config_of(app: Synthesized, stack_id: str) -> dict[str, Any]:
    return app.only(stack_id, "AWS::CloudFront::Distribution")[1]["Properties"]["DistributionConfig"]


def _run_function(code: str, uri: str) -> str:
    script = f"{code}\nprocess.stdout.write(handler({{request: {{uri: {json.dumps(uri)}}}}}).uri);"
    result = subprocess.run([str(NODE_BIN / "node"), "-e", script], capture_output=True, text=True, check=True)
    return result.stdout


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("/api/items", "/items"),
        ("/api/items/42", "/items/42"),
        ("/api/", "/"),
        ("/api", "/"),
        ("/apiary/items", "/apiary/items"),
        ("/index.html", "/index.html"),
    ],
)
def test_prefix_function_takes_the_prefix_off_the_path(uri: str, expected: str) -> None:
    assert _run_function(strip_prefix_code("/api"), uri) == expected


# --- refusals -----------------------------------------------------------------------------


def _stack(env: Any = US_EAST_1, name: str = "Test", app: App | None = None) -> Stack:
    return Stack(app or App(context=CDK_CONTEXT), name, env=env)


def _rest_api(stack: Stack, **props: Any) -> apigw.RestApi:
    api = apigw.RestApi(stack, "Api", **props)
    api.root.add_method("GET", apigw.MockIntegration())
    return api


def _raises(message: str) -> Any:
    return pytest.raises(PatternConfigError, match=re.escape(message))


PATTERN_RULE = (
    "must be a path pattern such as '/api/*': '/', segments of letters, digits and . _ ~ - separated by '/', "
    "ending in '/*', at most 255 characters"
)


@pytest.mark.parametrize(
    "pattern", ["api/*", "/api", "/api/", "/*", "/api/*/x", "/a b/*", "/api*", "/" + "a" * 254 + "/*"]
)
def test_path_pattern_must_be_a_prefix_pattern(pattern: str) -> None:
    with _raises(f"api.path_pattern ({pattern!r}) {PATTERN_RULE}"):
        ApiRoute(_rest_api(_stack()), path_pattern=pattern)


@pytest.mark.parametrize("prefix", ["api", "/api/", "/", "", "/a b"])
def test_strip_prefix_must_be_a_path(prefix: str) -> None:
    with _raises(f"api.strip_prefix ({prefix!r}) must be a path such as '/api' (no trailing '/'), or None"):
        ApiRoute(_rest_api(_stack()), strip_prefix=prefix)


@pytest.mark.parametrize(("pattern", "prefix"), [("/api/*", "/ap"), ("/api/*", "/api/v1"), ("/v1/api/*", "/api")])
def test_strip_prefix_must_start_the_pattern(pattern: str, prefix: str) -> None:
    with _raises(f"api.strip_prefix ({prefix!r}) must be the start of api.path_pattern ({pattern!r}) up to a '/'"):
        ApiRoute(_rest_api(_stack()), path_pattern=pattern, strip_prefix=prefix)


@pytest.mark.parametrize(
    "option", [{"single_page_app": True}, {"error_page": "404.html", "site_sources": SITE_SOURCES}]
)
def test_api_refuses_error_pages(option: dict[str, Any]) -> None:
    stack = _stack()
    with _raises("api (/api/*) cannot be combined with single_page_app or error_page"):
        StaticSite(stack, "Site", api=ApiRoute(_rest_api(stack)), **option)


def test_api_needs_a_deployment_stage() -> None:
    stack = _stack()
    api = apigw.RestApi(stack, "Api", deploy=False)
    api.root.add_method("GET", apigw.MockIntegration())
    with _raises("api.rest_api (Test/Api) has no deployment stage for CloudFront to reach"):
        StaticSite(stack, "Site", api=ApiRoute(api))


def test_api_needs_its_execute_api_endpoint() -> None:
    stack = _stack()
    with _raises("api.rest_api (Test/Api) turns its execute-api endpoint off"):
        StaticSite(stack, "Site", api=ApiRoute(_rest_api(stack, disable_execute_api_endpoint=True)))


def test_api_in_a_stack_without_a_region_is_refused() -> None:
    app = App(context=CDK_CONTEXT)
    api = _rest_api(_stack(env=None, name="Agnostic", app=app))
    with _raises("api.rest_api is in stack Agnostic, which has no region: CloudFront's origin names the API's"):
        StaticSite(_stack(app=app), "Site", api=ApiRoute(api))


def test_api_of_another_region_is_named_by_its_region() -> None:
    app = App(context=CDK_CONTEXT)
    api = _rest_api(Stack(app, "Api", env=Environment(account="111111111111", region="eu-central-1")))
    stack = _stack(app=app)
    StaticSite(stack, "Site", api=ApiRoute(api))
    ((_, distribution),) = Template.from_stack(stack).find_resources("AWS::CloudFront::Distribution").items()
    origin = distribution["Properties"]["DistributionConfig"]["Origins"][1]
    assert origin["DomainName"]["Fn::Join"][1][1:] == [".execute-api.eu-central-1.", {"Ref": "AWS::URLSuffix"}]
