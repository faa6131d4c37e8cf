"""API Gateway (REST): the API, its deployments and stages, and the account's CloudWatch
role. moto's own API and deployment models cannot be deleted and lose properties; it has
no model for stages or the account. Methods and what they refer to are in
``apigateway_methods.py``."""

from __future__ import annotations

import json
from typing import Any

from moto.apigateway.models import APIGatewayBackend, Deployment, RestAPI, apigateway_backends
from moto.core.common_models import CloudFormationModel

from emulator.models.base import DeletedLikeAws, SandboxModel, as_bool, as_list, tags_as_dict
from emulator.models.registry import overrides, registered

# MethodSettings keys -> the setting's path in UpdateStage patch operations.
_METHOD_SETTING_PATHS = {
    "LoggingLevel": "logging/loglevel",
    "DataTraceEnabled": "logging/dataTrace",
    "MetricsEnabled": "metrics/enabled",
    "ThrottlingBurstLimit": "throttling/burstLimit",
    "ThrottlingRateLimit": "throttling/rateLimit",
    "CachingEnabled": "caching/enabled",
    "CacheTtlInSeconds": "caching/ttlInSeconds",
    "CacheDataEncrypted": "caching/dataEncrypted",
}


def backend(account_id: str, region_name: str) -> APIGatewayBackend:
    return apigateway_backends[account_id][region_name]


def _method_setting_operations(settings: list[dict[str, Any]]) -> list[dict[str, str]]:
    operations = []
    for setting in settings:
        # "/*" means every resource; any other path has its slashes escaped as "~1".
        path = setting.get("ResourcePath", "/*")
        resource = "*" if path == "/*" else path.replace("/", "~1")
        method = setting.get("HttpMethod", "*")
        for key, target in _METHOD_SETTING_PATHS.items():
            if key in setting:
                value = setting[key]
                text = str(value).lower() if isinstance(value, bool) else str(value)
                operations.append({"op": "replace", "path": f"/{resource}/{method}/{target}", "value": text})
    return operations


@overrides("AWS::ApiGateway::RestApi")
class RestApiDeletedLikeAws(DeletedLikeAws):
    """moto's model cannot be deleted. It also hands CloudFormation's
    ``EndpointConfiguration`` ({"Types"}) to the API's field ({"types"}), so every API
    reads back without endpoint types, and it drops binary media types, compression,
    policy, tags and the execute-api switch."""

    MODEL = RestAPI

    @classmethod
    def for_moto(cls, cloudformation_json: dict[str, Any]) -> dict[str, Any]:
        properties = dict(cloudformation_json.get("Properties") or {})
        endpoint = properties.pop("EndpointConfiguration", None)
        if endpoint:
            properties["EndpointConfiguration"] = {key[:1].lower() + key[1:]: value for key, value in endpoint.items()}
        return {**cloudformation_json, "Properties": properties}

    @classmethod
    def complete(cls, inner: Any, properties: dict[str, Any]) -> None:
        inner.binaryMediaTypes = as_list(properties.get("BinaryMediaTypes"))
        inner.disableExecuteApiEndpoint = as_bool(properties.get("DisableExecuteApiEndpoint"))
        inner.minimum_compression_size = properties.get("MinimumCompressionSize")
        inner.api_key_source = properties.get("ApiKeySourceType", "HEADER")
        policy = properties.get("Policy")
        inner.policy = policy if policy is None or isinstance(policy, str) else json.dumps(policy)
        inner.tags = tags_as_dict(properties.get("Tags"))

    def remove(self) -> None:
        apigateway_backends[self.account_id][self.region_name].apis.pop(self.physical_resource_id, None)


@overrides("AWS::ApiGateway::Deployment")
class DeploymentDeletedLikeAws(DeletedLikeAws):
    MODEL = Deployment

    @staticmethod
    def physical_id_of(inner: Any) -> str:
        # moto's model has no physical ID, so Ref gave the object itself: a stage created
        # from it held an object where its deployment ID belongs.
        return str(inner.id)

    def remove(self) -> None:
        api = apigateway_backends[self.account_id][self.region_name].apis.get(self.properties.get("RestApiId", ""))
        if api is not None:
            api.deployments.pop(self.physical_resource_id, None)


@registered
class Stage(SandboxModel, CloudFormationModel):
    TYPE = "AWS::ApiGateway::Stage"
    NAME_PROPERTY = "StageName"

    @classmethod
    def create(cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str) -> Stage:
        p = properties
        stage = backend(account_id, region_name).create_stage(
            p["RestApiId"],
            name,
            p["DeploymentId"],
            variables=p.get("Variables") or {},
            description=p.get("Description", ""),
            cacheClusterEnabled=as_bool(p.get("CacheClusterEnabled")),
            cacheClusterSize=p.get("CacheClusterSize"),
            tags=tags_as_dict(p.get("Tags")),
            tracing_enabled=as_bool(p.get("TracingEnabled")),
        )
        access_log = p.get("AccessLogSetting")
        if access_log:
            stage.access_log_settings = {
                "destinationArn": access_log.get("DestinationArn"),
                "format": access_log.get("Format"),
            }
        operations = _method_setting_operations(as_list(p.get("MethodSettings")))
        if operations:
            stage.apply_operations(operations)
        return cls(name, account_id, region_name, properties)

    def remove(self) -> None:
        api = backend(self.account_id, self.region_name).apis.get(self.properties["RestApiId"])
        if api is not None:
            api.stages.pop(self.physical_resource_id, None)


@registered
class Account(SandboxModel, CloudFormationModel):
    TYPE = "AWS::ApiGateway::Account"

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> Account:
        role = properties.get("CloudWatchRoleArn")
        if role:
            backend(account_id, region_name).update_account(
                [{"op": "replace", "path": "/cloudwatchRoleArn", "value": role}]
            )
        return cls(name, account_id, region_name, properties)

    def remove(self) -> None:
        # Deleting the resource leaves the account setting in place, in AWS too.
        return None
