"""Where every model of ``emulator.models`` registers itself, with one decorator:

- ``@registered``: an ``AWS::`` type moto's CloudFormation lacks. The class must name
  ``CloudFormationModel`` as a direct base, because that is how moto's own model
  registry finds models (``CloudFormationModel.__subclasses__()``).
- ``@overrides("AWS::S3::Bucket")``: a type moto implements, whose model the emulator
  replaces (it loses properties, cannot be deleted...). Not a direct
  ``CloudFormationModel`` subclass, so moto's registry keeps its own model and the
  adapter routes the type here.
- ``@custom_resource``: a ``Custom::`` type the emulator runs in-process. moto sends every
  ``Custom::`` type to its Docker-only runner, so these go through the adapter too.
- ``@api_action(ElastiCacheResponse, "describe_user_groups")``: an API action that moto's
  service lacks or answers wrongly, so that what a model creates reads back as in AWS.

The adapter reads :data:`REGISTERED`, :data:`OVERRIDES`, :data:`CUSTOM_RESOURCES` and
:data:`API_ACTIONS` once every module of the package is imported
(``emulator/models/__init__.py``); it installs the API actions with the rest, and
``uninstall()`` puts moto's back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from moto.core.common_models import CloudFormationModel

Model = TypeVar("Model", bound=type[Any])

#: AWS:: types moto lacks -> the model moto's registry discovers for them.
REGISTERED: dict[str, type[Any]] = {}
#: Types moto implements -> the model the adapter uses instead of moto's.
OVERRIDES: dict[str, type[Any]] = {}
#: Custom:: types -> the model that does in-process what their Lambda handler does.
CUSTOM_RESOURCES: dict[str, type[Any]] = {}
#: (moto response class, method name) -> the method the adapter installs there.
API_ACTIONS: dict[tuple[type[Any], str], Callable[..., Any]] = {}

Action = TypeVar("Action", bound=Callable[..., Any])


def registered(model: Model) -> Model:
    if CloudFormationModel not in model.__bases__:
        raise TypeError(f"{model.__name__}: moto's registry only finds direct CloudFormationModel subclasses")
    return _add(REGISTERED, model.cloudformation_type(), model)


def overrides(resource_type: str) -> Callable[[Model], Model]:
    def decorate(model: Model) -> Model:
        if CloudFormationModel in model.__bases__:
            # moto's registry would hold it too, and which model wins would depend on order.
            raise TypeError(f"{model.__name__} overrides {resource_type}: it must not subclass CloudFormationModel")
        if model.cloudformation_type() != resource_type:
            raise TypeError(f"{model.__name__} is a model of {model.cloudformation_type()}, not {resource_type}")
        return _add(OVERRIDES, resource_type, model)

    return decorate


def custom_resource(model: Model) -> Model:
    resource_type = model.cloudformation_type()
    if not resource_type.startswith("Custom::"):
        raise TypeError(f"{model.__name__}: {resource_type} is not a Custom:: type")
    return _add(CUSTOM_RESOURCES, resource_type, model)


def api_action(response_class: type[Any], name: str) -> Callable[[Action], Action]:
    """Install the decorated function as ``response_class.name`` (a moto ``*Response``
    method, named as moto names the action's handler) while the adapter is installed."""

    def decorate(function: Action) -> Action:
        if (response_class, name) in API_ACTIONS:
            raise TypeError(f"{response_class.__name__}.{name} has two replacements")
        API_ACTIONS[(response_class, name)] = function
        return function

    return decorate


def all_models() -> dict[str, type[Any]]:
    """Every type the emulator models itself -> its model."""
    return {**REGISTERED, **OVERRIDES, **CUSTOM_RESOURCES}


def _add(table: dict[str, type[Any]], resource_type: str, model: Model) -> Model:
    known = all_models().get(resource_type)
    if known is not None and known is not model:
        # Only one of them could ever run, depending on import order.
        raise TypeError(f"{resource_type} has two models: {known.__qualname__} and {model.__qualname__}")
    table[resource_type] = model
    return model
