"""Close the gaps of moto's CloudFormation that matter for CDK apps, in the emulator only.

``install()`` (run by ``emulator.server`` before moto serves a request, and by the unit
tests) changes moto's CloudFormation in this process, never the templates:

- Types moto leaves out (CloudFront distributions, bucket policies, alarms, API Gateway
  stages...) get models (``@registered`` in ``emulator.models``) in moto's own model
  registry; each creates its resource through the moto backend of its service.
- CDK's own custom resources (``Custom::CDKBucketDeployment``,
  ``Custom::S3AutoDeleteObjects``) go to in-process models instead of moto's custom
  resource runner, which needs Docker; any other custom resource or unknown type is
  recorded as skipped, with the reason, instead of failing the stack (or, for a custom
  resource, leaving it in progress forever).
- Types whose moto model loses properties, cannot be deleted or has no physical ID
  (buckets, functions, KMS keys, REST APIs, methods...) go to completed models
  (``@overrides``).
- CloudFormation's own behaviour where moto differs (``emulator.cloudformation``):
  ``DependsOn`` targets are created first; ``Fn::GetStackOutput`` (CDK's weak
  cross-stack references) resolves; an error makes the stack CREATE_FAILED /
  DELETE_FAILED with the error as reason, instead of an HTTP 500 the CDK CLI can only
  report as an XML parse error; a failed or deleted stack does not create resources
  again when it is read.
- Every resource gets a stack event, whose reason says when it was emulated or skipped
  and why; ``deploy.inventory`` reads them.
- Bucket policies apply to requests with the conditions the emulator can know
  (``aws:SecureTransport``; ``emulator.bucket_policy``): moto otherwise lets CDK's
  TLS-only policies deny every request, the CLI's asset uploads included.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from moto.cloudformation import models as cf_models
from moto.cloudformation import parsing
from moto.s3.models import FakeBucket

from emulator import cloudformation
from emulator.bucket_policy import bucket_permission
from emulator.models import API_ACTIONS, CUSTOM_RESOURCES, OVERRIDES, REGISTERED, SkippedResource

# (owner, attribute) -> moto's original, for uninstall().
_originals: dict[tuple[Any, str], Any] = {}


def install() -> None:
    """Patch moto's CloudFormation in this process; safe to call more than once."""
    if _originals:
        return
    # The registry is lru_cached: forget whatever was computed before our models existed.
    _clear_registry_caches()
    registry = parsing.get_model_map()
    missing = [resource_type for resource_type, model in REGISTERED.items() if registry.get(resource_type) is not model]
    if missing:
        raise RuntimeError(f"moto's model registry did not pick up the emulator's models for: {', '.join(missing)}")

    backend_class = cf_models.CloudFormationBackend
    _patch(parsing, "resource_class_from_type", _resolving_gaps)
    _patch(parsing, "parse_and_create_resource", cloudformation.with_resource_events)
    _patch(parsing, "clean_json", cloudformation.with_stack_outputs)
    _patch(FakeBucket, "get_permission", lambda _: bucket_permission)
    _patch(cf_models.Stack, "create_resources", cloudformation.create_failing_as_cloudformation)
    _patch(cf_models.Stack, "outputs", cloudformation.no_outputs_when_failed)
    _patch(backend_class, "delete_stack", cloudformation.delete_failing_as_cloudformation)
    for (response_class, name), action in API_ACTIONS.items():
        _patch(response_class, name, lambda _, action=action: action)


def uninstall() -> None:
    """Undo :func:`install` (for tests that share a process with other moto users).

    The models stay registered with moto, where nothing but a template naming their
    types reaches them.
    """
    for (owner, name), original in _originals.items():
        if original is _ABSENT:
            delattr(owner, name)
        else:
            setattr(owner, name, original)
    _originals.clear()


#: What an attribute that moto lacks (an API action it does not implement) was before install().
_ABSENT = object()


def _patch(owner: Any, name: str, wrap: Callable[[Any], Any]) -> None:
    original = owner.__dict__.get(name, _ABSENT) if isinstance(owner, type) else getattr(owner, name)
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
