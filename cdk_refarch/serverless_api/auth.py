"""Cognito for ``ApiAuthorization.COGNITO``: the hardened user pool (the construct's, or
one a stateful stack keeps), its managed login domain, and a site's public app client.

- Managed login (version 2) on a Cognito prefix domain, with Cognito's own style: the
  classic hosted UI is the older of the two.
- A site's client is public (no secret: a page cannot keep one) and may only use the
  authorization code grant; the page adds PKCE (S256). Cognito has no setting that
  requires PKCE of a client: it checks the verifier whenever the authorization request
  carried a challenge, which the page always sends.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from aws_cdk import Duration, Fn, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from cdk_refarch.core.errors import require
from cdk_refarch.core.nag import acknowledge
from cdk_refarch.core.validation import without_tokens
from cdk_refarch.serverless_api.options import CognitoOptions

#: Cognito refuses prefix domains that contain these words.
RESERVED_DOMAIN_WORDS = ("aws", "amazon", "cognito")
#: The random part of a prefix: the last group of the stack's ID (a UUID), 12 hex digits.
_RANDOM_PART_LENGTH = 12
_PREFIX_MAX = 63
_SITE_URL = re.compile(r"^https://[a-z0-9.-]+(?::\d{1,5})?/[A-Za-z0-9._~/-]*$")


def user_pool(
    scope: Construct, options: CognitoOptions, removal_policy: RemovalPolicy, *, deletion_protection: bool = False
) -> cognito.UserPool:
    """No self sign-up, 12+ character passwords, TOTP MFA (optional or required), the
    Plus tier's threat protection, e-mail-only recovery; ``deletion_protection`` makes
    Cognito refuse to delete the pool (and its users) until it is turned off."""
    pool = cognito.UserPool(
        scope,
        "UserPool",
        self_sign_up_enabled=False,
        sign_in_aliases=cognito.SignInAliases(email=True),
        auto_verify=cognito.AutoVerifiedAttrs(email=True),
        password_policy=cognito.PasswordPolicy(
            min_length=12,
            require_lowercase=True,
            require_uppercase=True,
            require_digits=True,
            require_symbols=True,
            temp_password_validity=Duration.days(3),
        ),
        mfa=cognito.Mfa.REQUIRED if options.mfa_required else cognito.Mfa.OPTIONAL,
        mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
        feature_plan=cognito.FeaturePlan.PLUS,
        standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
        account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
        deletion_protection=deletion_protection or None,
        removal_policy=removal_policy,
    )
    if not options.mfa_required:
        acknowledge(
            pool,
            "AwsSolutions-COG2",
            "MFA is optional (TOTP, no SMS): each user may turn it on; pass "
            "CognitoOptions(mfa_required=True) to require it for everyone.",
        )
    return pool


def login_domain_prefix(stack: Stack) -> str:
    """A prefix no other pool has, stable for the stack's life: the stack's name (without
    the words Cognito refuses) and the last 12 hex digits of its ID, which CloudFormation
    draws at random, e.g. ``serverlesswebapp-sandbox-data-50e2416294e0``. Prefix domains
    are global, so a name alone (or a hash of one) would collide across accounts, and
    unlike the account ID the stack's ID says nothing about the account."""
    name = stack.stack_name.lower()
    for word in RESERVED_DOMAIN_WORDS:
        name = name.replace(word, "")
    name = re.sub(r"[^a-z0-9]+", "-", name).strip("-")
    name = name[: _PREFIX_MAX - _RANDOM_PART_LENGTH - 1].strip("-") or "login"
    stack_uuid = Fn.select(2, Fn.split("/", stack.stack_id))
    return Fn.join("-", [name, Fn.select(4, Fn.split("-", stack_uuid))])


def managed_login_domain(pool: cognito.UserPool) -> cognito.UserPoolDomain:
    """The pool's managed login (version 2) on a Cognito prefix domain,
    ``https://<prefix>.auth.<region>.amazoncognito.com`` (``base_url()``)."""
    return pool.add_domain(
        "LoginDomain",
        cognito_domain=cognito.CognitoDomainOptions(domain_prefix=login_domain_prefix(Stack.of(pool))),
        managed_login_version=cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    )


def site_client(
    scope: Construct, pool: cognito.IUserPool, *, url: str, scopes: Sequence[cognito.OAuthScope] | None = None
) -> cognito.UserPoolClient:
    """A site's public app client (``SiteClient``) and its managed login style
    (``SiteLoginStyle``, Cognito's own look; managed login shows no page for a client
    without one).

    Authorization code grant only, scopes ``openid`` and ``email`` unless ``scopes``
    says otherwise, ``url`` (the page, e.g. ``https://example.com/``) as the only
    callback and sign-out URL, the pool's own users only, user existence errors hidden,
    SRP and refresh the only API flows; ID and access tokens last an hour and refresh
    tokens the shortest Cognito allows (the page keeps none), tokens revocable.
    """
    probe = without_tokens(url) if isinstance(url, str) else ""
    require(
        probe == "token" or bool(_SITE_URL.fullmatch(probe)),
        f"url ({url!r}) must be the site's page, such as 'https://www.example.com/': https, a lower-case host "
        "and a path, no query or fragment",
    )
    client = cognito.UserPoolClient(
        scope,
        "SiteClient",
        user_pool=pool,
        generate_secret=False,
        auth_flows=cognito.AuthFlow(user_srp=True),
        o_auth=cognito.OAuthSettings(
            flows=cognito.OAuthFlows(authorization_code_grant=True, implicit_code_grant=False),
            scopes=list(scopes or (cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL)),
            callback_urls=[url],
            logout_urls=[url],
        ),
        supported_identity_providers=[cognito.UserPoolClientIdentityProvider.COGNITO],
        prevent_user_existence_errors=True,
        read_attributes=cognito.ClientAttributes().with_standard_attributes(email=True, email_verified=True),
        id_token_validity=Duration.minutes(60),
        access_token_validity=Duration.minutes(60),
        refresh_token_validity=Duration.minutes(60),
        enable_token_revocation=True,
    )
    cognito.CfnManagedLoginBranding(
        scope,
        "SiteLoginStyle",
        user_pool_id=pool.user_pool_id,
        client_id=client.user_pool_client_id,
        use_cognito_provided_values=True,
    )
    return client
