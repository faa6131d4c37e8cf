"""Lambda functions with every property CloudFormation sets, through moto's Lambda backend."""

from __future__ import annotations

from typing import Any

from moto.awslambda.models import LambdaFunction
from moto.awslambda.utils import get_backend

from deploy.models.base import as_list, tags_as_dict


class Function(LambdaFunction):
    """moto's own ``AWS::Lambda::Function`` model, plus what it leaves out.

    moto passes only some properties on to Lambda, so a function read back would have
    the default architecture, tracing and storage, no layers and no tags. They are set
    here on the function moto created. A layer of another account (an AWS-published one,
    such as Powertools) cannot exist in the emulator: the function lists it with its ARN
    and a code size of 0, where moto's own Lambda API would refuse to create the function.
    Not a direct CloudFormationModel subclass; the adapter routes the type here.
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
