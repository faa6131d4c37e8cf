"""The adapter: the emulator's models in moto's registry, and moto's own behaviour back on
uninstall."""

from __future__ import annotations

from moto.cloudformation import parsing
from moto.elasticache.responses import ElastiCacheResponse
from moto.s3.responses import S3Response

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


def test_api_actions_exist_only_while_installed(cloud: Cloud) -> None:
    describe_user_groups = models.API_ACTIONS[(ElastiCacheResponse, "describe_user_groups")]
    assert ElastiCacheResponse.describe_user_groups is describe_user_groups
    ours = S3Response.__dict__["get_bucket_notification"]
    adapter.uninstall()
    try:
        assert not hasattr(ElastiCacheResponse, "describe_user_groups")  # moto lacks the action
        assert S3Response.__dict__["get_bucket_notification"] is not ours  # moto's own again
    finally:
        adapter.install()
    assert S3Response.__dict__["get_bucket_notification"] is ours
