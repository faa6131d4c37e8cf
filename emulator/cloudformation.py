"""CloudFormation's own behaviour, where moto's differs; ``emulator.adapter`` installs these
wrappers around moto's functions.

- A resource's ``DependsOn`` targets are created first.
- ``Fn::GetStackOutput`` (CDK's weak cross-stack references) and ``Fn::Cidr`` (CDK's
  subnets of a dual-stack VPC) resolve.
- An error makes the stack CREATE_FAILED / DELETE_FAILED with the error as reason,
  instead of an HTTP 500 the CDK CLI can only report as an XML parse error.
- A failed or deleted stack does not create resources again when it is read.
- Every resource gets a stack event, whose reason is its model's note (emulated or
  skipped, and why); ``deploy.inventory`` reads them.
"""

from __future__ import annotations

import functools
import ipaddress
import itertools
from collections.abc import Callable
from typing import Any

from moto.cloudformation import models as cf_models
from moto.cloudformation.exceptions import ValidationError

from emulator.models.base import as_list


def with_resource_events(original: Callable[..., Any]) -> Callable[..., Any]:
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


def with_stack_outputs(original: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """Add ``Fn::GetStackOutput``, which CDK's weak cross-stack references use, and
    ``Fn::Cidr``, which CDK's dual-stack subnets use for their IPv6 ranges.

    moto's ``clean_json`` resolves the intrinsic functions it knows and leaves others in
    place, so a policy would get ``{"Fn::GetStackOutput": ...}`` as its resource.
    ``clean_json`` calls itself through the module, so nested uses resolve too.
    """

    @functools.wraps(original)
    def clean_json(resource_json: Any, resources_map: Any) -> Any:
        if isinstance(resource_json, dict) and "Fn::GetStackOutput" in resource_json:
            arguments = original(resource_json["Fn::GetStackOutput"], resources_map)
            return _stack_output(arguments, resources_map)
        if isinstance(resource_json, dict) and "Fn::Cidr" in resource_json:
            return _cidr(*original(resource_json["Fn::Cidr"], resources_map))
        return original(resource_json, resources_map)

    return clean_json


def _cidr(block: str, count: Any, host_bits: Any) -> list[str]:
    """``Fn::Cidr``: the first ``count`` subnets of ``block`` with ``host_bits`` host bits."""
    network = ipaddress.ip_network(block, strict=False)
    subnets = network.subnets(new_prefix=network.max_prefixlen - int(host_bits))
    return [str(subnet) for subnet in itertools.islice(subnets, int(count))]


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


def create_failing_as_cloudformation(original: Callable[[Any], None]) -> Callable[[Any], None]:
    @functools.wraps(original)
    def create_resources(stack: Any) -> None:
        try:
            original(stack)
        except Exception as error:
            stack.status = "CREATE_FAILED"
            stack._add_stack_event("CREATE_FAILED", resource_status_reason=f"{type(error).__name__}: {error}")

    return create_resources


def no_outputs_when_failed(original: property) -> property:
    # A failed or deleted stack has no outputs in CloudFormation. In moto, reading them
    # would create the resources they refer to again: after a failure, the same error on
    # every DescribeStacks as an HTTP 500; after a deletion, resources that were deleted.
    def outputs(stack: Any) -> Any:
        if _finished_badly(stack):
            return None
        return original.fget(stack)  # type: ignore[misc]

    return property(outputs)


def delete_failing_as_cloudformation(original: Callable[[Any, str], None]) -> Callable[[Any, str], None]:
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
