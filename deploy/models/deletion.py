"""moto models that CloudFormation cannot delete or ``Ref``, wrapped to do both.

moto's ``AWS::ApiGateway::RestApi``, ``AWS::ApiGateway::Deployment``,
``AWS::Lambda::LayerVersion`` and ``AWS::IAM::ManagedPolicy`` models have no delete: the
stack reports them deleted and they stay. The last three have no physical ID either, so
a ``Ref`` to them yields a Python object. Each wrapper creates the resource through
moto's own model, answers ``Ref`` as CloudFormation does and ``Fn::GetAtt`` as moto
does, and deletes the resource through the service's backend.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from moto.apigateway.models import Deployment, RestAPI, apigateway_backends
from moto.awslambda.models import LayerVersion
from moto.awslambda.utils import get_backend as lambda_backend
from moto.iam.models import ManagedPolicy, iam_backends
from moto.utilities.utils import get_partition

from deploy.models.base import SandboxModel, as_bool, as_list, tags_as_dict


class DeletedLikeAws(SandboxModel):
    MODEL: ClassVar[Any]

    def __init__(
        self, inner: Any, physical_id: str, account_id: str, region_name: str, properties: dict[str, Any]
    ) -> None:
        super().__init__(physical_id, account_id, region_name, properties)
        self.inner = inner

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[override]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> DeletedLikeAws:
        inner = cls.MODEL.create_from_cloudformation_json(
            resource_name, cls.for_moto(cloudformation_json), account_id, region_name, **kwargs
        )
        properties = cloudformation_json.get("Properties") or {}
        cls.complete(inner, properties)
        return cls(inner, cls.physical_id_of(inner), account_id, region_name, properties)

    @classmethod
    def for_moto(cls, cloudformation_json: dict[str, Any]) -> dict[str, Any]:
        """The resource as moto's model needs it to get it right."""
        return cloudformation_json

    @classmethod
    def complete(cls, inner: Any, properties: dict[str, Any]) -> None:
        """Set on the created resource what moto's model leaves out."""

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[override]
        cls,
        original_resource: DeletedLikeAws,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> DeletedLikeAws:
        original_resource.remove()
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    @staticmethod
    def physical_id_of(inner: Any) -> str:
        return str(inner.physical_resource_id)

    @classmethod
    def cloudformation_type(cls) -> str:
        return str(cls.MODEL.cloudformation_type())

    @classmethod
    def cloudformation_name_type(cls) -> str:
        return str(cls.MODEL.cloudformation_name_type())

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return bool(cls.MODEL.has_cfn_attr(attr))

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        return self.inner.get_cfn_attribute(attribute_name)


class RestApiDeletedLikeAws(DeletedLikeAws):
    """Also: moto's model hands CloudFormation's ``EndpointConfiguration`` ({"Types"}) to
    the API's field ({"types"}), so every API reads back without endpoint types, and it
    drops binary media types, compression, policy, tags and the execute-api switch."""

    MODEL = RestAPI

    @classmethod
    def for_moto(cls, cloudformation_json: dict[str, Any]) -> dict[str, Any]:
        properties = dict(cloudformation_json.get("Properties") or {})
        endpoint = properties.pop("EndpointConfiguration", None)
        if endpoint:
            properties["EndpointConfiguration"] = {key[:1].lower() + key[1:]: value for key, value in endpoint.items()}
        return {**cloudformation_json, "Properties": properties}

    @classmethod
    def complete(cls, inner: Any, properties: dict[str, Any]) -> None:
        inner.binaryMediaTypes = as_list(properties.get("BinaryMediaTypes"))
        inner.disableExecuteApiEndpoint = as_bool(properties.get("DisableExecuteApiEndpoint"))
        inner.minimum_compression_size = properties.get("MinimumCompressionSize")
        inner.api_key_source = properties.get("ApiKeySourceType", "HEADER")
        policy = properties.get("Policy")
        inner.policy = policy if policy is None or isinstance(policy, str) else json.dumps(policy)
        inner.tags = tags_as_dict(properties.get("Tags"))

    def remove(self) -> None:
        apigateway_backends[self.account_id][self.region_name].apis.pop(self.physical_resource_id, None)


class DeploymentDeletedLikeAws(DeletedLikeAws):
    MODEL = Deployment

    @staticmethod
    def physical_id_of(inner: Any) -> str:
        # moto's model has no physical ID, so Ref gave the object itself: a stage created
        # from it held an object where its deployment ID belongs.
        return str(inner.id)

    def remove(self) -> None:
        api = apigateway_backends[self.account_id][self.region_name].apis.get(self.properties.get("RestApiId", ""))
        if api is not None:
            api.deployments.pop(self.physical_resource_id, None)


class LayerVersionDeletedLikeAws(DeletedLikeAws):
    MODEL = LayerVersion

    @staticmethod
    def physical_id_of(inner: Any) -> str:
        # CloudFormation's Ref of a layer version is its ARN; moto's model has no physical ID.
        return str(inner.arn)

    def remove(self) -> None:
        backend = lambda_backend(self.account_id, self.region_name)
        if backend.layers_versions_by_arn(self.physical_resource_id) is not None:
            backend.delete_layer_version(self.inner.name, str(self.inner.version))


class ManagedPolicyDeletedLikeAws(DeletedLikeAws):
    MODEL = ManagedPolicy

    def remove(self) -> None:
        backend = iam_backends[self.account_id][get_partition(self.region_name)]
        arn = self.physical_resource_id
        if arn not in backend.managed_policies:
            return
        policy = backend.managed_policies[arn]
        # CloudFormation detaches a managed policy before deleting it; IAM refuses otherwise.
        for holder in [*backend.roles.values(), *backend.users.values(), *backend.groups.values()]:
            if arn in holder.managed_policies:
                policy.detach_from(holder)
        backend.delete_policy(arn)
