"""What every sandbox model shares: identity, attributes, a note, and CloudFormation hooks.

moto discovers CloudFormation models as *direct* subclasses of ``CloudFormationModel``
(``CloudFormationModel.__subclasses__()``), so each concrete model names it as a base
next to :class:`SandboxModel`::

    class BucketPolicy(SandboxModel, CloudFormationModel):
        TYPE = "AWS::S3::BucketPolicy"
        ...

A model creates its resource through the moto backend of its own service in
:meth:`SandboxModel.create`, so the deployed state reads back through boto3 like any
other moto resource, and removes it again in :meth:`SandboxModel.remove`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.utilities.utils import get_partition


class SandboxModel:
    """A CloudFormation resource type the sandbox models itself: moto lacks it, or its own
    model gets it wrong (see ``deploy.models.OVERRIDES``).

    Subclasses set ``TYPE`` (and ``NAME_PROPERTY`` when the type has a name property,
    ``ATTRIBUTES`` for ``Fn::GetAtt``) and implement :meth:`create` and :meth:`remove`.
    """

    TYPE: ClassVar[str] = ""
    NAME_PROPERTY: ClassVar[str] = ""
    ATTRIBUTES: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        physical_id: str,
        account_id: str,
        region_name: str,
        properties: dict[str, Any],
        attributes: dict[str, Any] | None = None,
        note: str | None = None,
    ) -> None:
        self._physical_id = physical_id
        self.account_id = account_id
        self.region_name = region_name
        self.properties = properties
        self.attributes = attributes or {}
        #: Shown as the reason of the resource's stack event; ``None`` for a resource a
        #: service backend holds just as AWS would.
        self.emulator_note = note

    # -- what subclasses implement ---------------------------------------------------

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> SandboxModel:
        raise NotImplementedError

    def remove(self) -> None:
        raise NotImplementedError

    # -- moto's CloudFormation interface ---------------------------------------------

    @property
    def physical_resource_id(self) -> str:
        return self._physical_id

    @property
    def partition(self) -> str:
        return get_partition(self.region_name)

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.TYPE

    @classmethod
    def cloudformation_name_type(cls) -> str:
        return cls.NAME_PROPERTY

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.ATTRIBUTES

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name not in self.attributes:
            # moto turns this into CloudFormation's own "does not support attribute" error.
            raise UnformattedGetAttTemplateException()
        return self.attributes[attribute_name]

    def is_created(self) -> bool:
        return True

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[override]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> SandboxModel:
        properties = cloudformation_json.get("Properties") or {}
        return cls.create(resource_name, properties, account_id, region_name, kwargs.get("LogicalId", resource_name))

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[override]
        cls,
        original_resource: SandboxModel,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> SandboxModel:
        # Replacement is what CloudFormation does for most property changes of these
        # types, and it keeps each model to one create and one remove path.
        original_resource.remove()
        logical_id = getattr(original_resource, "logical_resource_id", new_resource_name)
        properties = cloudformation_json.get("Properties") or {}
        return cls.create(new_resource_name, properties, account_id, region_name, logical_id)

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[override]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        # moto calls this only when the instance has no delete(); ours always has one.
        return None

    def delete(self, account_id: str, region_name: str) -> None:
        self.remove()


def as_bool(value: Any, default: bool = False) -> bool:
    """A template boolean: CloudFormation hands custom resources strings, moto keeps bools."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() == "true"


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def tags_as_dict(tags: Any) -> dict[str, str]:
    return {tag["Key"]: str(tag["Value"]) for tag in as_list(tags)}
