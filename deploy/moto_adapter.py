"""Close the gaps of moto's CloudFormation that matter for CDK apps, in the emulator only.

``install()`` (run by ``deploy.server`` before moto serves a request, and by the unit
tests) changes moto's CloudFormation in this process, never the templates:

- Types moto leaves out (CloudFront distributions, bucket policies, alarms, API Gateway
  stages...) get models (``deploy.models.REGISTERED``) in moto's own model registry;
  each creates its resource through the moto backend of its service.
- CDK's own custom resources (``Custom::CDKBucketDeployment``,
  ``Custom::S3AutoDeleteObjects``) go to in-process models instead of moto's custom
  resource runner, which needs Docker; any other custom resource or unknown type is
  recorded as skipped, with the reason, instead of failing the stack (or, for a custom
  resource, leaving it in progress forever).
- Types whose moto model loses properties, cannot be deleted or has no physical ID
  (buckets, functions, KMS keys, REST APIs, methods...) go to completed models
  (``deploy.models.OVERRIDES``).
- CloudFormation's own behaviour where moto differs: ``DependsOn`` targets are created
  first; ``Fn::GetStackOutput`` (CDK's weak cross-stack references) resolves; an error
  makes the stack CREATE_FAILED / DELETE_FAILED with the error as reason, instead of an
  HTTP 500 the CDK CLI can only report as an XML parse error; a failed or deleted stack
  does not create resources again when it is read.
- Every resource gets a stack event, whose reason says when it was emulated or skipped
  and why; ``deploy.inventory`` reads them.
- Bucket policies apply to requests with the conditions the emulator can know
  (``aws:SecureTransport``): moto otherwise lets CDK's TLS-only policies deny every
  request, the CLI's asset uploads included.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from moto.cloudformation import models as cf_models
from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError
from moto.s3.models import FakeBucket

from deploy.models import CUSTOM_RESOURCES, OVERRIDES, REGISTERED, SkippedResource
from deploy.models.base import as_list
from deploy.models.s3 import bucket_permission

# (owner, attribute) -> moto's original, for uninstall().
_originals: dict[tuple[Any, str], Any] = {}


def install() -> None:
    """Patch moto's CloudFormation in this process; safe to call more than once."""
    if _originals:
        return
    # The registry is lru_cached: forget whatever was computed before our models existed.
    _clear_registry_caches()
    registry = parsing.get_model_map()
    missing = [model.TYPE for model in REGISTERED if registry.get(model.TYPE) is not model]
    if missing:
        raise RuntimeError(f"moto's model registry did not pick up the sandbox models for: {', '.join(missing)}")

    backend_class = cf_models.CloudFormationBackend
    _patch(parsing, "resource_class_from_type", _resolving_gaps)
    _patch(parsing, "parse_and_create_resource", _with_resource_events)
    _patch(parsing, "clean_json", _with_stack_outputs)
    _patch(FakeBucket, "get_permission", lambda _: bucket_permission)
    _patch(cf_models.Stack, "create_resources", _create_failing_as_cloudformation)
    _patch(cf_models.Stack, "outputs", _no_outputs_when_failed)
    _patch(backend_class, "delete_stack", _delete_failing_as_cloudformation)


def uninstall() -> None:
    """Undo :func:`install` (for tests that share a process with other moto users).

    The models stay registered with moto, where nothing but a template naming their
    types reaches them.
    """
    for (owner, name), original in _originals.items():
        setattr(owner, name, original)
    _originals.clear()


def _patch(owner: Any, name: str, wrap: Callable[[Any], Any]) -> None:
    original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
    _originals[(owner, name)] = original
    setattr(owner, name, wrap(original))


def _clear_registry_caches() -> None:
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()


def _resolving_gaps(original: Callable[[str], Any]) -> Callable[[str], Any]:
    # Replaces moto's lookup rather than wrapping it: for an unknown type moto logs a
    # warning and returns None, which is where its stacks break.
    @functools.wraps(original)
    def resource_class_from_type(resource_type: str) -> Any:
        if resource_type in CUSTOM_RESOURCES:
            return CUSTOM_RESOURCES[resource_type]
        if resource_type in OVERRIDES:
            return OVERRIDES[resource_type]
        if resource_type in parsing.NULL_MODELS:
            return None
        if resource_type.startswith("Custom::") or resource_type == "AWS::CloudFormation::CustomResource":
            # moto's CustomModel would invoke the handler in Docker and wait for it forever.
            return SkippedResource.for_type(resource_type)
        return parsing.get_model_map().get(resource_type) or SkippedResource.for_type(resource_type)

    return resource_class_from_type


def _with_resource_events(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def parse_and_create_resource(
        logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str
    ) -> Any:
        resource_type = resource_json["Type"]
        stack = _stack(resources_map, account_id, region_name)
        if stack is not None and _finished_badly(stack):
            # moto creates resources lazily, also when a failed or deleted stack is only
            # read (DescribeStackResources, outputs); CloudFormation would not.
            return None
        # CloudFormation creates a resource's DependsOn targets first. moto orders only its
        # top-level loop by DependsOn, and creates a resource that another one reads (Ref,
        # GetAtt) on the spot: an API Gateway deployment read by its stage would come
        # before the methods it depends on, and fail for having none.
        for dependency in as_list(resource_json.get("DependsOn")):
            resources_map[dependency]
        try:
            resource = original(logical_id, resource_json, resources_map, account_id, region_name)
        except Exception as error:
            _resource_event(
                resources_map,
                account_id,
                region_name,
                logical_id,
                resource_type,
                "",
                "CREATE_FAILED",
                f"{type(error).__name__}: {error}",
            )
            raise
        if resource is not None:
            _resource_event(
                resources_map,
                account_id,
                region_name,
                logical_id,
                resource_type,
                str(getattr(resource, "physical_resource_id", "")),
                "CREATE_COMPLETE",
                getattr(resource, "emulator_note", None),
            )
        return resource

    return parse_and_create_resource


def _with_stack_outputs(original: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """Add ``Fn::GetStackOutput``, which CDK's weak cross-stack references use.

    moto's ``clean_json`` resolves the intrinsic functions it knows and leaves others in
    place, so a policy would get ``{"Fn::GetStackOutput": ...}`` as its resource.
    ``clean_json`` calls itself through the module, so nested uses resolve too.
    """

    @functools.wraps(original)
    def clean_json(resource_json: Any, resources_map: Any) -> Any:
        if isinstance(resource_json, dict) and "Fn::GetStackOutput" in resource_json:
            arguments = original(resource_json["Fn::GetStackOutput"], resources_map)
            return _stack_output(arguments, resources_map)
        return original(resource_json, resources_map)

    return clean_json


def _stack_output(arguments: dict[str, Any], resources_map: Any) -> Any:
    stack_name, output_name = arguments["StackName"], arguments["OutputName"]
    region = arguments.get("Region") or resources_map._region_name
    backend = cf_models.cloudformation_backends[resources_map._account_id][region]
    for stack in backend.stacks.values():
        if stack.name == stack_name:
            for output in stack.output_map.values():
                if output is not None and output.key == output_name:
                    return output.value
            raise ValidationError(message=f"Stack {stack_name} in {region} has no output {output_name}")
    raise ValidationError(message=f"Stack {stack_name} does not exist in {region} (Fn::GetStackOutput)")


def _stack(resources_map: Any, account_id: str, region_name: str) -> Any:
    backend = cf_models.cloudformation_backends[account_id][region_name]
    stack_id = resources_map.stack_id
    return backend.stacks.get(stack_id) or backend.deleted_stacks.get(stack_id)


def _finished_badly(stack: Any) -> bool:
    return stack.status.endswith("_FAILED") or stack.status.startswith(("DELETE_", "ROLLBACK_"))


def _resource_event(
    resources_map: Any,
    account_id: str,
    region_name: str,
    logical_id: str,
    resource_type: str,
    physical_id: str,
    status: str,
    reason: str | None,
) -> None:
    stack = _stack(resources_map, account_id, region_name)
    if stack is None:
        return
    stack.events.append(
        cf_models.Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=logical_id,
            physical_resource_id=physical_id,
            resource_type=resource_type,
            resource_status=status,
            resource_status_reason=reason,
            resource_properties=None,
        )
    )


def _create_failing_as_cloudformation(original: Callable[[Any], None]) -> Callable[[Any], None]:
    @functools.wraps(original)
    def create_resources(stack: Any) -> None:
        try:
            original(stack)
        except Exception as error:
            stack.status = "CREATE_FAILED"
            stack._add_stack_event("CREATE_FAILED", resource_status_reason=f"{type(error).__name__}: {error}")

    return create_resources


def _no_outputs_when_failed(original: property) -> property:
    # A failed or deleted stack has no outputs in CloudFormation. In moto, reading them
    # would create the resources they refer to again: after a failure, the same error on
    # every DescribeStacks as an HTTP 500; after a deletion, resources that were deleted.
    def outputs(stack: Any) -> Any:
        if _finished_badly(stack):
            return None
        return original.fget(stack)  # type: ignore[misc]

    return property(outputs)


def _delete_failing_as_cloudformation(original: Callable[[Any, str], None]) -> Callable[[Any, str], None]:
    @functools.wraps(original)
    def delete_stack(backend: Any, name_or_stack_id: str) -> None:
        stacks = [s for s in backend.stacks.values() if name_or_stack_id in (s.name, s.stack_id)]
        try:
            original(backend, name_or_stack_id)
        except Exception as error:
            # CloudFormation keeps a stack whose deletion failed, so that it can be retried;
            # moto has already taken it out of its list.
            for stack in stacks:
                backend.deleted_stacks.pop(stack.stack_id, None)
                backend.stacks[stack.stack_id] = stack
                stack.status = "DELETE_FAILED"
                stack._add_stack_event("DELETE_FAILED", resource_status_reason=f"{type(error).__name__}: {error}")

    return delete_stack
