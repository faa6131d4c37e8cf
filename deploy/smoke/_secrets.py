"""A read of a Secrets Manager secret that the ``container-service`` and ``web-tier`` smoke
modules call from their own checks (no ``check_*`` here, see ``deploy/smoke/__init__.py``)."""

from __future__ import annotations

import json
from typing import Any

from deploy.smoke import SmokeContext


def secret_fields(ctx: SmokeContext, arn: str) -> dict[str, Any]:
    """The JSON fields of the secret ``arn`` names, which must exist under that very ARN."""
    client = ctx.client("secretsmanager")
    assert client.describe_secret(SecretId=arn)["ARN"] == arn, arn
    fields = json.loads(client.get_secret_value(SecretId=arn)["SecretString"])
    assert isinstance(fields, dict), f"secret {arn} holds no JSON object"
    return fields
