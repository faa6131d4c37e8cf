"""The registry: every model of every service module is in it, each service module has
its test file, and the decorators refuse what moto or the adapter could not use."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest

from emulator import models
from emulator.models import registry
from emulator.models.base import SandboxModel
from emulator.models.s3 import BucketPolicy

TESTS = Path(__file__).parent


def models_defined_in(module: Any) -> list[type[Any]]:
    # What moto's CloudFormation can create: anything with its create hook, defined here
    # rather than imported (moto's own models, or another module's).
    return [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if cls.__module__ == module.__name__ and hasattr(cls, "create_from_cloudformation_json")
    ]


def test_every_model_of_every_service_module_is_registered() -> None:
    known = set(models.all_models().values())
    unregistered = [
        f"{module.__name__}.{cls.__name__}"
        for module in models.SERVICES
        for cls in models_defined_in(module)
        if cls not in known
    ]
    assert unregistered == [], "add @registered, @overrides(...) or @custom_resource"


def test_every_registered_model_comes_from_a_service_module() -> None:
    services = {module.__name__ for module in models.SERVICES}
    assert {model.__module__ for model in models.all_models().values()} <= services


def test_every_service_module_has_its_test_file() -> None:
    missing = [
        f"tests/emulator/models/test_{name}.py"
        for name in (module.__name__.rsplit(".", 1)[1] for module in models.SERVICES)
        if not (TESTS / f"test_{name}.py").exists()
    ]
    assert missing == []


def test_the_services_are_every_module_but_the_helpers() -> None:
    names = {module.__name__.rsplit(".", 1)[1] for module in models.SERVICES}
    on_disk = {path.stem for path in Path(models.__file__).parent.glob("*.py")} - {"__init__"}
    assert names == on_disk - models.HELPERS


def test_a_registered_model_must_be_a_direct_cloudformation_model() -> None:
    class Indirect(SandboxModel):
        TYPE = "AWS::Test::Indirect"

    with pytest.raises(TypeError, match="direct CloudFormationModel subclasses"):
        registry.registered(Indirect)


def test_an_override_must_not_be_found_by_motos_registry_and_must_name_its_type() -> None:
    # A new direct CloudFormationModel subclass would join moto's registry for the rest of
    # the session, so this takes one that is there already.
    with pytest.raises(TypeError, match="must not subclass CloudFormationModel"):
        registry.overrides("AWS::S3::BucketPolicy")(BucketPolicy)

    class Other(SandboxModel):
        TYPE = "AWS::Test::Other"

    with pytest.raises(TypeError, match="is a model of AWS::Test::Other, not AWS::S3::Bucket"):
        registry.overrides("AWS::S3::Bucket")(Other)


def test_a_custom_resource_must_be_a_custom_type() -> None:
    class NotCustom(SandboxModel):
        TYPE = "AWS::Test::NotCustom"

    with pytest.raises(TypeError, match="is not a Custom:: type"):
        registry.custom_resource(NotCustom)


def test_a_type_gets_one_model_only() -> None:
    class Second(SandboxModel):
        TYPE = "AWS::KMS::Key"

    with pytest.raises(TypeError, match="AWS::KMS::Key has two models"):
        registry.overrides("AWS::KMS::Key")(Second)
    assert registry.OVERRIDES["AWS::KMS::Key"] is not Second
