"""The adapter: the emulator's models in moto's registry, and moto's own behaviour back on
uninstall."""

from __future__ import annotations

from moto.cloudformation import parsing

from emulator import adapter, models
from tests.emulator.conftest import Cloud


def test_install_registers_every_model_in_motos_registry(cloud: Cloud) -> None:
    registry = parsing.get_model_map()
    assert all(registry[resource_type] is model for resource_type, model in models.REGISTERED.items())
    for resource_type, model in {**models.CUSTOM_RESOURCES, **models.OVERRIDES}.items():
        assert parsing.resource_class_from_type(resource_type) is model


def test_uninstall_gives_moto_its_own_behaviour_back(cloud: Cloud) -> None:
    adapter.uninstall()
    try:
        assert parsing.resource_class_from_type("AWS::Foo::Bar") is None
    finally:
        adapter.install()
