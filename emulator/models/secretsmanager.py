"""Secrets Manager secrets, generated passwords included, which moto's CloudFormation
leaves out."""

from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.secretsmanager.exceptions import SecretNotFoundException
from moto.secretsmanager.models import secretsmanager_backends

from emulator.models.base import SandboxModel, as_bool, as_list
from emulator.models.registry import registered


@registered
class Secret(SandboxModel, CloudFormationModel):
    TYPE = "AWS::SecretsManager::Secret"
    NAME_PROPERTY = "Name"
    ATTRIBUTES = ("Id",)

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> Secret:
        backend = secretsmanager_backends[account_id][region_name]
        secret_string = properties.get("SecretString")
        generate = properties.get("GenerateSecretString")
        if secret_string is None and generate is not None:
            secret_string = cls._generate(backend, generate)
        created = json.loads(
            backend.create_secret(
                name=name,
                secret_string=secret_string,
                secret_binary=None,
                description=properties.get("Description"),
                tags=as_list(properties.get("Tags")),
                kms_key_id=properties.get("KmsKeyId"),
                client_request_token=None,
                replica_regions=as_list(properties.get("ReplicaRegions")),
                force_overwrite=False,
            )
        )
        return cls(created["ARN"], account_id, region_name, properties, {"Id": created["ARN"]})

    @staticmethod
    def _generate(backend: Any, options: dict[str, Any]) -> str:
        password = backend.get_random_password(
            password_length=int(options.get("PasswordLength", 32)),
            exclude_characters=options.get("ExcludeCharacters", ""),
            exclude_numbers=as_bool(options.get("ExcludeNumbers")),
            exclude_punctuation=as_bool(options.get("ExcludePunctuation")),
            exclude_uppercase=as_bool(options.get("ExcludeUppercase")),
            exclude_lowercase=as_bool(options.get("ExcludeLowercase")),
            include_space=as_bool(options.get("IncludeSpace")),
            require_each_included_type=as_bool(options.get("RequireEachIncludedType"), default=True),
        )
        password = json.loads(password)["RandomPassword"] if password.startswith("{") else password
        template, key = options.get("SecretStringTemplate"), options.get("GenerateStringKey")
        if template and key:
            return json.dumps({**json.loads(template), key: password})
        return password

    def remove(self) -> None:
        try:
            secretsmanager_backends[self.account_id][self.region_name].delete_secret(
                self.physical_resource_id, recovery_window_in_days=None, force_delete_without_recovery=True
            )
        except SecretNotFoundException:
            pass
