"""The serverless web app as the app builds it: the users in the Data stack, the page's
client, CSP and config.json in the Site stack, and ``/api/*`` routed to the API."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from cdk_refarch import DEFAULT_CONTENT_SECURITY_POLICY
from tests.synthesis import Synthesized

DATA = "ServerlessWebApp-*-Data"
API = "ServerlessWebApp-*-Api"
SITE = "ServerlessWebApp-*-Site"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
WEB_APP_FILES = {"README.md", "api.js", "app.js", "auth.js", "config.js", "index.html", "styles.css", "view.js"}


@pytest.fixture(params=["sandbox", "production"])
def app(request: pytest.FixtureRequest) -> Synthesized:
    return request.getfixturevalue(request.param)


def _production(app: Synthesized) -> bool:
    return "-Production-" in app.stack(DATA).stack_name


def _page_url(app: Synthesized) -> dict[str, Any]:
    distribution_id, _ = app.only(SITE, "AWS::CloudFront::Distribution")
    return {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution_id, "DomainName"]}, "/"]]}


def _distribution_config(app: Synthesized) -> dict[str, Any]:
    return app.only(SITE, "AWS::CloudFront::Distribution")[1]["Properties"]["DistributionConfig"]


# --- where the stacks are, and what they depend on -------------------------------------


def test_every_stack_is_in_us_east_1(app: Synthesized) -> None:
    assert {app.stack(stack_id).region for stack_id in (DATA, API, SITE)} == {"us-east-1"}


def test_stacks_depend_only_on_the_ones_before_them(app: Synthesized) -> None:
    alarms, data, api, site, monitoring = (
        app.stack(stack_id)
        for stack_id in ("ServerlessWebApp-*-Alarms", DATA, API, SITE, "ServerlessWebApp-*-Monitoring")
    )
    assert alarms.dependencies == [] and data.dependencies == []
    assert set(api.dependencies) == {alarms, data, app.stacks["Account"]}
    assert set(site.dependencies) == {data, api}
    assert set(monitoring.dependencies) == {data, api, site}


# --- the users: in the Data stack -------------------------------------------------------


def test_user_pool_is_hardened(app: Synthesized) -> None:
    _, pool = app.only(DATA, "AWS::Cognito::UserPool")
    props = pool["Properties"]
    assert props["AdminCreateUserConfig"] == {"AllowAdminCreateUserOnly": True}
    assert props["Policies"]["PasswordPolicy"]["MinimumLength"] == 12
    assert props["UserPoolTier"] == "PLUS"
    assert props["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}
    assert props["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert props["AccountRecoverySetting"] == {"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]}


def test_user_pool_protection_and_mfa_follow_the_stage(app: Synthesized) -> None:
    logical_id, pool = app.only(DATA, "AWS::Cognito::UserPool")
    props = pool["Properties"]
    if _production(app):
        assert (props["MfaConfiguration"], props["DeletionProtection"], pool["DeletionPolicy"]) == (
            "ON",
            "ACTIVE",
            "Retain",
        )
    else:
        assert (props["MfaConfiguration"], pool["DeletionPolicy"]) == ("OPTIONAL", "Delete")
        assert "DeletionProtection" not in props
    # Stateful: the users go if the logical ID ever changes.
    assert logical_id == "UserPool6BA7E5F2"


def test_managed_login_domain_is_unique_and_valid(app: Synthesized) -> None:
    pool_id, _ = app.only(DATA, "AWS::Cognito::UserPool")
    _, domain = app.only(DATA, "AWS::Cognito::UserPoolDomain")
    props = domain["Properties"]
    assert props["UserPoolId"] == {"Ref": pool_id}
    assert props["ManagedLoginVersion"] == 2
    assert "CustomDomainConfig" not in props
    name, random_part = props["Domain"]["Fn::Join"][1]
    stage = "production" if _production(app) else "sandbox"
    assert name == f"serverlesswebapp-{stage}-data"
    # The last group of the stack's UUID: 12 random hex digits, so the prefix is globally unique.
    uuid = {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}
    assert random_part == {"Fn::Select": [4, {"Fn::Split": ["-", uuid]}]}
    prefix = f"{name}-{'0' * 12}"
    assert re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", prefix)
    assert not any(word in prefix for word in ("aws", "amazon", "cognito"))


# --- the Site stack: the page's client, CSP and config.json --------------------------------


def test_site_client_is_public_code_grant_only_for_the_page(app: Synthesized) -> None:
    _, client = app.only(SITE, "AWS::Cognito::UserPoolClient")
    props = client["Properties"]
    pool_id, _ = app.only(DATA, "AWS::Cognito::UserPool")
    assert app.output_of(props["UserPoolId"], DATA) == {"Ref": pool_id}
    assert props["GenerateSecret"] is False
    assert props["AllowedOAuthFlowsUserPoolClient"] is True
    assert props["AllowedOAuthFlows"] == ["code"]
    assert props["AllowedOAuthScopes"] == ["openid", "email"]
    assert props["CallbackURLs"] == props["LogoutURLs"] == [_page_url(app)]
    assert props["SupportedIdentityProviders"] == ["COGNITO"]
    assert props["PreventUserExistenceErrors"] == "ENABLED"
    assert props["ExplicitAuthFlows"] == ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    assert props["ReadAttributes"] == ["email", "email_verified"]
    assert props["EnableTokenRevocation"] is True
    validity = (props["IdTokenValidity"], props["AccessTokenValidity"], props["RefreshTokenValidity"])
    assert validity == (60, 60, 60)
    assert props["TokenValidityUnits"] == {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "minutes"}


def test_site_client_has_cognitos_managed_login_style(app: Synthesized) -> None:
    client_id, client = app.only(SITE, "AWS::Cognito::UserPoolClient")
    _, style = app.only(SITE, "AWS::Cognito::ManagedLoginBranding")
    assert style["Properties"] == {
        "ClientId": {"Ref": client_id},
        "UseCognitoProvidedValues": True,
        "UserPoolId": client["Properties"]["UserPoolId"],
    }


def _is_login_domain(app: Synthesized, fragment: dict[str, Any]) -> bool:
    """Whether ``fragment`` reads the Data stack's managed login domain (its prefix)."""
    domain_id, _ = app.only(DATA, "AWS::Cognito::UserPoolDomain")
    return bool(app.output_of(fragment, DATA) == {"Ref": domain_id})


def test_csp_lets_the_page_fetch_the_login_domain_only(app: Synthesized) -> None:
    _, policy = app.only(SITE, "AWS::CloudFront::ResponseHeadersPolicy")
    csp = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    assert csp["Override"] is True
    head, domain, tail = csp["ContentSecurityPolicy"]["Fn::Join"][1]
    assert head == f"{DEFAULT_CONTENT_SECURITY_POLICY}; connect-src 'self' https://"
    assert tail == ".auth.us-east-1.amazoncognito.com"
    assert _is_login_domain(app, domain)


def test_config_json_names_the_login_domain_client_and_api_base(app: Synthesized) -> None:
    client_id, _ = app.only(SITE, "AWS::Cognito::UserPoolClient")
    _, deployment = app.only(SITE, "Custom::CDKBucketDeployment")
    props = deployment["Properties"]
    site_key, config_key = props["SourceObjectKeys"]
    assert props["SourceMarkers"][0] == {}
    # The deploy-time values are whole JSON values: no second escaping.
    assert props["SourceMarkersConfig"] == [{}, {}]
    text = (app.outdir / f"asset.{config_key.removesuffix('.zip')}" / "config.json").read_text()
    markers = props["SourceMarkers"][1]
    assert sorted(markers) == ["<<marker:0xbaba:0>>", "<<marker:0xbaba:1>>"]
    head, domain, tail = markers["<<marker:0xbaba:0>>"]["Fn::Join"][1]
    assert (head, tail) == ('"https://', '.auth.us-east-1.amazoncognito.com"')
    assert _is_login_domain(app, domain)
    assert markers["<<marker:0xbaba:1>>"] == {"Fn::Join": ["", ['"', {"Ref": client_id}, '"']]}
    filled = text.replace("<<marker:0xbaba:0>>", '"https://x.auth.us-east-1.amazoncognito.com"')
    assert json.loads(filled.replace("<<marker:0xbaba:1>>", '"client"')) == {
        "authority": "https://x.auth.us-east-1.amazoncognito.com",
        "clientId": "client",
        "apiBase": "/api",
        "redirectPath": "/",
        "scopes": ["openid", "email"],
    }
    # The page's own files, from site/app/ at the root of the bucket.
    assert {p.name for p in (app.outdir / f"asset.{site_key.removesuffix('.zip')}").iterdir()} == WEB_APP_FILES


# --- /api/* on the same distribution --------------------------------------------------------


def test_api_behaviour_reaches_the_api_stage_uncached(app: Synthesized) -> None:
    config = _distribution_config(app)
    (behavior,) = config["CacheBehaviors"]
    assert behavior["PathPattern"] == "/api/*"
    assert behavior["CachePolicyId"] == CACHING_DISABLED
    assert behavior["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER
    assert behavior["ViewerProtocolPolicy"] == "https-only"
    assert sorted(behavior["AllowedMethods"]) == ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    policy_id, _ = app.only(SITE, "AWS::CloudFront::ResponseHeadersPolicy")
    assert behavior["ResponseHeadersPolicyId"] == {"Ref": policy_id}
    (origin,) = [o for o in config["Origins"] if o["Id"] == behavior["TargetOriginId"]]
    assert origin["CustomOriginConfig"] == {"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"]}
    api_id, _ = app.only(API, "AWS::ApiGateway::RestApi")
    stage_id, _ = app.only(API, "AWS::ApiGateway::Stage")
    rest_api, suffix, url_suffix = origin["DomainName"]["Fn::Join"][1]
    assert app.output_of(rest_api, API) == {"Ref": api_id}
    assert (suffix, url_suffix) == (".execute-api.us-east-1.", {"Ref": "AWS::URLSuffix"})
    slash, stage = origin["OriginPath"]["Fn::Join"][1]
    assert (slash, app.output_of(stage, API)) == ("/", {"Ref": stage_id})


def test_api_prefix_is_stripped_by_a_viewer_request_function(app: Synthesized) -> None:
    function_id, function = app.only(SITE, "AWS::CloudFront::Function")
    assert function["Properties"]["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    assert function["Properties"]["AutoPublish"] is True
    assert 'const PREFIX = "/api";' in function["Properties"]["FunctionCode"]
    (behavior,) = _distribution_config(app)["CacheBehaviors"]
    assert behavior["FunctionAssociations"] == [
        {"EventType": "viewer-request", "FunctionARN": {"Fn::GetAtt": [function_id, "FunctionARN"]}}
    ]


def test_the_page_keeps_s3s_answers_for_missing_files(app: Synthesized) -> None:
    # Error pages would replace the API's own 403 and 404 answers too.
    assert "CustomErrorResponses" not in _distribution_config(app)


def test_outputs(app: Synthesized) -> None:
    assert {"SiteUrl", "BucketName", "DistributionId", "ClientId"} <= set(app.template_json(SITE)["Outputs"])
    assert {"TableName", "UserPoolId", "LoginUrl"} <= set(app.template_json(DATA)["Outputs"])


def test_static_website_leaves_the_web_app_out(app: Synthesized) -> None:
    _, deployment = app.only("StaticWebsite-*-Site", "Custom::CDKBucketDeployment")
    (key,) = deployment["Properties"]["SourceObjectKeys"]
    files = {p.name for p in (app.outdir / f"asset.{key.removesuffix('.zip')}").iterdir()}
    assert files == {"404.html", "index.html", "styles.css"}
