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

:class:`DeletedLikeAws` wraps a moto model that CloudFormation cannot delete or ``Ref``.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.utilities.utils import get_partition


class SandboxModel:
    """A CloudFormation resource type the emulator models itself: moto lacks it, or its own
    model gets it wrong (see ``emulator.models.registry``).

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


def as_json(value: Any) -> str:
    """A policy or attribute as the API takes it: templates may give an object."""
    return value if isinstance(value, str) else json.dumps(value)


class DeletedLikeAws(SandboxModel):
    """A moto model that CloudFormation cannot delete or ``Ref``, wrapped to do both.

    Some of moto's models have no delete: the stack reports them deleted and they stay.
    Some have no physical ID either, so a ``Ref`` to them yields a Python object. A
    subclass names moto's model as ``MODEL``; the wrapper creates the resource through it,
    answers ``Ref`` as CloudFormation does and ``Fn::GetAtt`` as moto does, and the
    subclass deletes the resource through the service's backend in :meth:`remove`.
    Registered with ``@overrides``.
    """

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
