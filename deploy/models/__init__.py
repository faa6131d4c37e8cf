"""CloudFormation models the sandbox adds to moto, one module per service.

Every model creates its resource through the moto backend of its own service (see
``base.py``); ``deploy.moto_adapter.install`` registers them.
"""

from __future__ import annotations

from deploy.models.apigateway import Account, GatewayResponse, Method, Model, RequestValidator, Stage
from deploy.models.awslambda import Function
from deploy.models.base import SandboxModel
from deploy.models.cdk import AutoDeleteObjects, BucketDeployment, CdkMetadata
from deploy.models.cloudfront import Distribution, OriginAccessControl
from deploy.models.deletion import (
    DeploymentDeletedLikeAws,
    LayerVersionDeletedLikeAws,
    ManagedPolicyDeletedLikeAws,
    RestApiDeletedLikeAws,
)
from deploy.models.dynamodb import GlobalTable
from deploy.models.messaging import QueuePolicy, Subscription, TopicPolicy
from deploy.models.monitoring import Alarm, MetricFilter
from deploy.models.s3 import Bucket, BucketPolicy
from deploy.models.security import KmsKey, Secret, SecurityGroupEgress, WebAcl, WebAclAssociation
from deploy.models.skipped import SkippedResource

#: AWS:: types moto's registry discovers (direct CloudFormationModel subclasses).
REGISTERED: tuple[type[SandboxModel], ...] = (
    BucketPolicy,
    OriginAccessControl,
    Distribution,
    CdkMetadata,
    GlobalTable,
    QueuePolicy,
    TopicPolicy,
    Subscription,
    Alarm,
    MetricFilter,
    Secret,
    SecurityGroupEgress,
    WebAcl,
    WebAclAssociation,
    Stage,
    Model,
    RequestValidator,
    GatewayResponse,
    Account,
)

#: Custom:: types: moto sends every Custom:: type to its Docker-only CustomModel, so these
#: go through the adapter's hook instead of the registry.
CUSTOM_RESOURCES: dict[str, type[SandboxModel]] = {
    BucketDeployment.TYPE: BucketDeployment,
    AutoDeleteObjects.TYPE: AutoDeleteObjects,
}

#: Types moto implements, where the sandbox replaces its model (see each class).
OVERRIDES: dict[str, type] = {
    "AWS::S3::Bucket": Bucket,
    Method.TYPE: Method,
    KmsKey.TYPE: KmsKey,
    "AWS::Lambda::Function": Function,
    "AWS::ApiGateway::RestApi": RestApiDeletedLikeAws,
    "AWS::ApiGateway::Deployment": DeploymentDeletedLikeAws,
    "AWS::Lambda::LayerVersion": LayerVersionDeletedLikeAws,
    "AWS::IAM::ManagedPolicy": ManagedPolicyDeletedLikeAws,
}

__all__ = ["REGISTERED", "CUSTOM_RESOURCES", "OVERRIDES", "SkippedResource", "SandboxModel"]
