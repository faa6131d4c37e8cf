"""The trail's name and ARN, and the customer managed key its log files are encrypted with.

The key's and the bucket's policies name the trail (``aws:SourceArn``) while the trail
names the key and the bucket: with a ``Ref`` or ``Fn::GetAtt`` of the trail in those
policies, each would wait for the other (Trail -> Key -> Trail), which CloudFormation
refuses. The trail gets a name derived from its construct path instead, and the policies
its ARN built from that name with ``Stack.format_arn``: no reference, the same ARN.
"""

from __future__ import annotations

from aws_cdk import Duration, Names, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from cdk_refarch.account_baseline.options import check_trail_name

CLOUDTRAIL = "cloudtrail.amazonaws.com"
#: The encryption context key under which CloudTrail names the trail a file belongs to.
TRAIL_CONTEXT = "kms:EncryptionContext:aws:cloudtrail:arn"


def trail_name(scope: Construct, given: str | None) -> str:
    """``given``, or a name unique to the stack and ``scope``'s path, e.g.
    ``refarchaccount-Baseline-91F024E7`` (letters, digits and '-', as CloudTrail allows)."""
    return check_trail_name(given or Names.unique_resource_name(scope, max_length=128, separator="-"))


def trail_arn(scope: Construct, name: str) -> str:
    """The ARN CloudTrail gives the trail named ``name`` in ``scope``'s stack (its home region)."""
    return Stack.of(scope).format_arn(service="cloudtrail", resource="trail", resource_name=name)


def any_trail_of_the_account(scope: Construct) -> str:
    """Every trail of the account, in any region: what CloudTrail puts in the encryption context."""
    return Stack.of(scope).format_arn(service="cloudtrail", region="*", resource="trail", resource_name="*")


def trail_key(scope: Construct, *, arn: str, removal_policy: RemovalPolicy) -> kms.Key:
    """A rotated key (``TrailKey``) that CloudTrail may use for this trail only, and that
    principals of the account may use to read the trail's files (IAM decides who).

    The statements are those of "Configure AWS KMS key policies for CloudTrail" (CloudTrail
    User Guide), each with ``aws:SourceArn`` of this trail where AWS documents one.
    """
    stack = Stack.of(scope)
    key = kms.Key(
        scope,
        "TrailKey",
        enable_key_rotation=True,
        description="Encrypts the account's CloudTrail log and digest files",
        removal_policy=removal_policy,
        # The longest wait: a key deleted by mistake makes every log file unreadable.
        pending_window=Duration.days(30),
    )
    this_trail = {"aws:SourceArn": arn}
    service = iam.ServicePrincipal(CLOUDTRAIL)
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowCloudTrailToEncryptLogs",
            principals=[service],
            actions=["kms:GenerateDataKey*"],
            resources=["*"],
            conditions={"StringEquals": this_trail, "StringLike": {TRAIL_CONTEXT: any_trail_of_the_account(scope)}},
        )
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowCloudTrailToDescribeKey",
            principals=[service],
            actions=["kms:DescribeKey"],
            resources=["*"],
            conditions={"StringEquals": this_trail},
        )
    )
    # The bucket encrypts with an S3 Bucket Key, for which CloudTrail needs kms:Decrypt
    # to create or update the trail (same page).
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowCloudTrailToUseTheBucketKey",
            principals=[service],
            actions=["kms:Decrypt"],
            resources=["*"],
            conditions={"StringEquals": this_trail},
        )
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowTheAccountToDecryptTrailFiles",
            principals=[iam.AccountRootPrincipal()],
            actions=["kms:Decrypt", "kms:ReEncryptFrom"],
            resources=["*"],
            conditions={
                "StringEquals": {"kms:CallerAccount": stack.account},
                "Null": {TRAIL_CONTEXT: "false"},
            },
        )
    )
    return key
