"""Lambda: functions with every property CloudFormation sets, layer versions that
CloudFormation can delete and ``Ref``, and event source mappings that run no function,
through moto's Lambda backend."""

from __future__ import annotations

from typing import Any

from moto.awslambda.models import LambdaFunction, LayerVersion
from moto.awslambda.utils import get_backend
from moto.dynamodb.models import dynamodb_backends
from moto.kinesis.models import kinesis_backends
from moto.sqs.models import sqs_backends

from emulator.models.base import DeletedLikeAws, SandboxModel, as_bool, as_list, tags_as_dict
from emulator.models.registry import overrides
from emulator.notes import EMULATED

NO_FUNCTION_RUNS = (
    f"{EMULATED}the mapping is held by moto's Lambda backend, but no function runs (moto needs Docker): "
    "records stay in their source (an SQS queue keeps its messages)"
)


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


@overrides("AWS::Lambda::EventSourceMapping")
class EventSourceMapping(SandboxModel):
    """An event source mapping that reads back through ``ListEventSourceMappings`` and runs
    nothing.

    moto's own model hooks the mapping to its source: on every SendMessage to the queue
    (and every record of a stream), moto receives a batch and invokes the function in
    Docker; without Docker the invocation fails, the messages' receive counts go up, and
    a queue with a redrive policy soon moves them to its dead-letter queue. This one
    keeps the mapping in Lambda's backend, detached from its source, so messages stay in
    the queue where the sandbox's checks can read them; its stack event says so.
    """

    TYPE = "AWS::Lambda::EventSourceMapping"
    ATTRIBUTES = ("Id", "EventSourceMappingArn")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> EventSourceMapping:
        spec = {key: value for key, value in properties.items() if key != "Tags"}
        if "Enabled" in spec:
            spec["Enabled"] = as_bool(spec["Enabled"], default=True)
        mapping = get_backend(account_id, region_name).create_event_source_mapping(spec)
        for source in _sources(account_id, region_name):
            source.lambda_event_source_mappings = {
                key: value for key, value in source.lambda_event_source_mappings.items() if value is not mapping
            }
        if "Tags" in properties:
            get_backend(account_id, region_name).tag_resource(mapping.arn, tags_as_dict(properties["Tags"]))
        attributes = {"Id": mapping.uuid, "EventSourceMappingArn": mapping.arn}
        return cls(mapping.uuid, account_id, region_name, properties, attributes, NO_FUNCTION_RUNS)

    def remove(self) -> None:
        get_backend(self.account_id, self.region_name).delete_event_source_mapping(self.physical_resource_id)


def _sources(account_id: str, region_name: str) -> list[Any]:
    """Everything moto can hook a mapping to: queues, tables (their streams) and streams."""
    return [
        *sqs_backends[account_id][region_name].queues.values(),
        *dynamodb_backends[account_id][region_name].tables.values(),
        *kinesis_backends[account_id][region_name].streams.values(),
    ]
