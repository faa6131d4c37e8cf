"""Lambda: functions with every property CloudFormation sets, and layer versions that
CloudFormation can delete and ``Ref``, through moto's Lambda backend."""

from __future__ import annotations

from typing import Any

from moto.awslambda.models import LambdaFunction, LayerVersion
from moto.awslambda.utils import get_backend

from emulator.models.base import DeletedLikeAws, as_list, tags_as_dict
from emulator.models.registry import overrides


@overrides("AWS::Lambda::Function")
class Function(LambdaFunction):
    """moto's own ``AWS::Lambda::Function`` model, plus what it leaves out.

    moto passes only some properties on to Lambda, so a function read back would have
    the default architecture, tracing and storage, no layers and no tags. They are set
    here on the function moto created. A layer of another account (an AWS-published one,
    such as Powertools) cannot exist in the emulator: the function lists it with its ARN
    and a code size of 0, where moto's own Lambda API would refuse to create the function.
    """

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[override]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> LambdaFunction:
        function = super().create_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name, **kwargs
        )
        p = cloudformation_json["Properties"]
        backend = get_backend(account_id, region_name)
        if "Architectures" in p:
            function.architectures = [str(value) for value in as_list(p["Architectures"])]
        if "TracingConfig" in p:
            function.tracing_config = dict(p["TracingConfig"])
        if "EphemeralStorage" in p:
            function.ephemeral_storage = int(p["EphemeralStorage"]["Size"])
        if "KmsKeyArn" in p:
            function.kms_key_arn = p["KmsKeyArn"]
        if "Layers" in p:
            function.layers = [_layer(backend, str(arn)) for arn in as_list(p["Layers"])]
        if "Tags" in p:
            backend.tag_resource(function.function_arn, tags_as_dict(p["Tags"]))
        return function


def _layer(backend: Any, arn: str) -> dict[str, Any]:
    version = backend.layers_versions_by_arn(arn)
    return {"Arn": arn, "CodeSize": version.code_size if version is not None else 0}


@overrides("AWS::Lambda::LayerVersion")
class LayerVersionDeletedLikeAws(DeletedLikeAws):
    MODEL = LayerVersion

    @staticmethod
    def physical_id_of(inner: Any) -> str:
        # CloudFormation's Ref of a layer version is its ARN; moto's model has no physical ID.
        return str(inner.arn)

    def remove(self) -> None:
        backend = get_backend(self.account_id, self.region_name)
        if backend.layers_versions_by_arn(self.physical_resource_id) is not None:
            backend.delete_layer_version(self.inner.name, str(self.inner.version))
