"""Resources the emulator cannot create: recorded as skipped, with the reason.

moto leaves a type it does not implement out of the stack and then fails the whole
stack as soon as an output or another resource reads an attribute of it. These
placeholders keep the stack deployable and make the gap visible: the resource appears
in the stack with a ``skipped-`` physical ID, its stack event gives the reason, and any
attribute read from it is a ``skipped-`` placeholder string.
"""

from __future__ import annotations

import functools
from typing import Any

import moto

from emulator.models.base import SandboxModel
from emulator.notes import SKIPPED

PLACEHOLDER_PREFIX = "skipped-"

#: Why a type is skipped, where there is more to say than "moto does not implement it".
REASONS: dict[str, str] = {
    "AWS::CloudFront::ResponseHeadersPolicy": (
        f"moto {moto.__version__}'s CloudFront backend has no response headers policy API; "
        "the distribution refers to the placeholder ID, and the headers are checked live "
        "in a real account (make smoke)"
    ),
}


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PLACEHOLDER_PREFIX)


def reason_for(resource_type: str) -> str:
    if resource_type in REASONS:
        return REASONS[resource_type]
    if resource_type.startswith("Custom::") or resource_type == "AWS::CloudFormation::CustomResource":
        return (
            f"{resource_type} is handled by a Lambda function, which the emulator cannot run "
            "(moto needs Docker for that); its attributes are placeholders"
        )
    return (
        f"moto {moto.__version__} has no CloudFormation support for {resource_type}, "
        "and the sandbox does not emulate it"
    )


class SkippedResource(SandboxModel):
    """Any type without a model; :meth:`for_type` makes the class for one type.

    Not registered with moto's model registry: the adapter hands these out for the
    types the registry does not know.
    """

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> SkippedResource:
        physical_id = f"{PLACEHOLDER_PREFIX}{logical_id}"
        return cls(physical_id, account_id, region_name, properties, note=SKIPPED + reason_for(cls.TYPE))

    @staticmethod
    @functools.cache
    def for_type(resource_type: str) -> type[SkippedResource]:
        return type(f"Skipped[{resource_type}]", (SkippedResource,), {"TYPE": resource_type})

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return True

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        return f"{self.physical_resource_id}.{attribute_name}"

    def remove(self) -> None:
        return None
