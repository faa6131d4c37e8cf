"""The Cognito user pool behind ``ApiAuthorization.COGNITO``, when the construct makes one."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from cdk_refarch.core.nag import acknowledge
from cdk_refarch.serverless_api.options import CognitoOptions


def user_pool(scope: Construct, options: CognitoOptions, removal_policy: RemovalPolicy) -> cognito.UserPool:
    """No self sign-up, 12+ character passwords, TOTP MFA (optional or required), the
    Plus tier's threat protection, e-mail-only recovery, and one public SRP client."""
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
        removal_policy=removal_policy,
    )
    pool.add_client(
        "Client",
        auth_flows=cognito.AuthFlow(user_srp=True),
        generate_secret=False,
        prevent_user_existence_errors=True,
    )
    if not options.mfa_required:
        acknowledge(
            pool,
            "AwsSolutions-COG2",
            "MFA is optional (TOTP, no SMS): each user may turn it on; pass "
            "CognitoOptions(mfa_required=True) to require it for everyone.",
        )
    return pool
