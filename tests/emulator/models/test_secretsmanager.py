"""Secrets Manager secrets with a generated password."""

from __future__ import annotations

import json

from tests.emulator.conftest import Cloud


def test_a_secret_gets_its_generated_password(cloud: Cloud) -> None:
    cloud.deploy(
        {
            "Secret": {
                "Type": "AWS::SecretsManager::Secret",
                "Properties": {
                    "GenerateSecretString": {
                        "SecretStringTemplate": '{"user": "app"}',
                        "GenerateStringKey": "password",
                        "PasswordLength": 24,
                        "ExcludePunctuation": True,
                    }
                },
            },
        }
    )
    secret = json.loads(
        cloud.client("secretsmanager").get_secret_value(SecretId=cloud.physical_id("Secret"))["SecretString"]
    )
    assert secret["user"] == "app" and len(secret["password"]) == 24

    assert cloud.delete() == "DELETE_COMPLETE"
    assert cloud.client("secretsmanager").list_secrets()["SecretList"] == []
