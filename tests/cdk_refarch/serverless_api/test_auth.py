"""The Cognito builders a stateful stack and a site use: the pool, its managed login
domain and a site's public client (ServerlessApi's own pool is in test_options.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aws_cdk import App, Environment, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk.assertions import Template

from cdk_refarch import CognitoOptions, PatternConfigError
from cdk_refarch.serverless_api.auth import login_domain_prefix, managed_login_domain, site_client, user_pool
from tests.synthesis import CDK_CONTEXT

ENV = Environment(account="111111111111", region="us-east-1")


def _stack(name: str = "Users") -> Stack:
    return Stack(App(context=CDK_CONTEXT), name, env=ENV)


def _only(stack: Stack, resource_type: str) -> dict[str, Any]:
    ((_, resource),) = Template.from_stack(stack).find_resources(resource_type).items()
    return resource


def _prefix_name(stack: Stack) -> str:
    name, _ = stack.resolve(login_domain_prefix(stack))["Fn::Join"][1]
    return str(name)


@pytest.mark.parametrize(
    ("stack_name", "expected"),
    [
        ("ServerlessWebApp-Sandbox-Data", "serverlesswebapp-sandbox-data"),
        ("MyAwsApp-Cognito-Users", "myapp-users"),
        ("Amazon--Shop-Data", "shop-data"),
        ("AWS", "login"),
        ("A" * 20 + "-" + "b" * 40, "a" * 20 + "-" + "b" * 29),
    ],
)
def test_login_domain_prefix_is_valid_for_cognito(stack_name: str, expected: str) -> None:
    name = _prefix_name(_stack(stack_name))
    assert name == expected
    prefix = f"{name}-{'f' * 12}"
    assert re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", prefix)
    assert not any(word in prefix for word in ("aws", "amazon", "cognito"))


def test_login_domain_is_managed_login_on_a_prefix_of_the_stacks_id() -> None:
    stack = _stack()
    pool = user_pool(stack, CognitoOptions(), RemovalPolicy.DESTROY)
    domain = managed_login_domain(pool)
    props = _only(stack, "AWS::Cognito::UserPoolDomain")["Properties"]
    assert props["ManagedLoginVersion"] == 2
    _, random_part = props["Domain"]["Fn::Join"][1]
    stack_uuid = {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}
    assert random_part == {"Fn::Select": [4, {"Fn::Split": ["-", stack_uuid]}]}
    assert stack.resolve(domain.base_url())["Fn::Join"][1][-1] == ".auth.us-east-1.amazoncognito.com"


@pytest.mark.parametrize(("protected", "expected"), [(True, "ACTIVE"), (False, None)])
def test_user_pool_deletion_protection(protected: bool, expected: str | None) -> None:
    stack = _stack()
    user_pool(stack, CognitoOptions(mfa_required=True), RemovalPolicy.RETAIN, deletion_protection=protected)
    props = _only(stack, "AWS::Cognito::UserPool")["Properties"]
    assert props.get("DeletionProtection") == expected
    assert props["MfaConfiguration"] == "ON"
    # The builder makes the pool only: clients are the caller's.
    Template.from_stack(stack).resource_count_is("AWS::Cognito::UserPoolClient", 0)


def test_site_client_takes_other_scopes_and_a_custom_domain_page() -> None:
    stack = _stack()
    pool = cognito.UserPool.from_user_pool_id(stack, "Pool", "us-east-1_abcdefghi")
    site_client(stack, pool, url="https://www.example.com/app/", scopes=[cognito.OAuthScope.OPENID])
    props = _only(stack, "AWS::Cognito::UserPoolClient")["Properties"]
    assert props["AllowedOAuthScopes"] == ["openid"]
    assert props["CallbackURLs"] == props["LogoutURLs"] == ["https://www.example.com/app/"]
    assert props["AllowedOAuthFlows"] == ["code"]
    assert props["GenerateSecret"] is False
    style = _only(stack, "AWS::Cognito::ManagedLoginBranding")["Properties"]
    assert (style["UserPoolId"], style["UseCognitoProvidedValues"]) == ("us-east-1_abcdefghi", True)


@pytest.mark.parametrize(
    "url",
    ["http://www.example.com/", "https://www.example.com", "https://www.example.com/?a=1", "https://WWW.example.com/"],
)
def test_site_client_url_must_be_an_https_page(url: str) -> None:
    stack = _stack()
    pool = cognito.UserPool.from_user_pool_id(stack, "Pool", "us-east-1_abcdefghi")
    message = (
        f"url ({url!r}) must be the site's page, such as 'https://www.example.com/': https, a lower-case host "
        "and a path, no query or fragment"
    )
    with pytest.raises(PatternConfigError, match=re.escape(message)):
        site_client(stack, pool, url=url)
