"""API Gateway (REST) methods, and what they refer to: models, request validators and
gateway responses. moto's own method model loses most of the method; it has no model
for the others."""

from __future__ import annotations

import json
import uuid
from typing import Any

from moto.core.common_models import CloudFormationModel

from emulator.models.apigateway import backend
from emulator.models.base import SandboxModel, as_bool, as_list
from emulator.models.registry import overrides, registered


@overrides("AWS::ApiGateway::Method")
class Method(SandboxModel):
    """moto's own ``AWS::ApiGateway::Method`` model keeps only the method type and the
    integration's URI, and fails on a MOCK integration (CORS preflight methods), which
    has no ``IntegrationHttpMethod``. This one sets everything the API holds: the
    authorizer, request validator, models and parameters, and the method and
    integration responses.
    """

    TYPE = "AWS::ApiGateway::Method"

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> Method:
        p = properties
        api, resource, http_method = p["RestApiId"], p["ResourceId"], p["HttpMethod"]
        gateway = backend(account_id, region_name)
        gateway.put_method(
            function_id=api,
            resource_id=resource,
            method_type=http_method,
            authorization_type=p.get("AuthorizationType", "NONE"),
            api_key_required=as_bool(p.get("ApiKeyRequired")),
            request_parameters=p.get("RequestParameters"),
            request_models=p.get("RequestModels"),
            operation_name=p.get("OperationName"),
            authorizer_id=p.get("AuthorizerId"),
            authorization_scopes=p.get("AuthorizationScopes"),  # type: ignore[arg-type]
            request_validator_id=p.get("RequestValidatorId"),
        )
        for response in as_list(p.get("MethodResponses")):
            gateway.put_method_response(
                api,
                resource,
                http_method,
                str(response["StatusCode"]),
                response.get("ResponseModels"),
                response.get("ResponseParameters"),
            )
        integration = p.get("Integration")
        if integration:
            gateway.put_integration(
                function_id=api,
                resource_id=resource,
                method_type=http_method,
                integration_type=integration["Type"],
                uri=integration.get("Uri"),  # type: ignore[arg-type]
                integration_method=integration.get("IntegrationHttpMethod"),  # type: ignore[arg-type]
                credentials=integration.get("Credentials"),
                request_templates=integration.get("RequestTemplates"),
                passthrough_behavior=integration.get("PassthroughBehavior"),
                cache_namespace=integration.get("CacheNamespace"),
                timeout_in_millis=integration.get("TimeoutInMillis"),
                request_parameters=integration.get("RequestParameters"),
                content_handling=integration.get("ContentHandling"),
                connection_type=integration.get("ConnectionType"),
            )
            for response in as_list(integration.get("IntegrationResponses")):
                gateway.put_integration_response(
                    api,
                    resource,
                    http_method,
                    str(response["StatusCode"]),
                    response.get("SelectionPattern"),  # type: ignore[arg-type]
                    response.get("ResponseTemplates"),  # type: ignore[arg-type]
                    response.get("ResponseParameters"),  # type: ignore[arg-type]
                    response.get("ContentHandling"),
                )
        return cls(f"{api}|{resource}|{http_method}", account_id, region_name, properties)

    def remove(self) -> None:
        api, resource, http_method = self.physical_resource_id.split("|")
        rest_api = backend(self.account_id, self.region_name).apis.get(api)
        if rest_api is not None and resource in rest_api.resources:
            rest_api.resources[resource].resource_methods.pop(http_method, None)


@registered
class Model(SandboxModel, CloudFormationModel):
    TYPE = "AWS::ApiGateway::Model"
    NAME_PROPERTY = "Name"

    @classmethod
    def create(cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str) -> Model:
        # A generated name must be alphanumeric for API Gateway.
        name = properties.get("Name") or "".join(ch for ch in logical_id if ch.isalnum())
        schema = properties.get("Schema")
        backend(account_id, region_name).create_model(
            properties["RestApiId"],
            name,
            properties.get("ContentType", "application/json"),
            properties.get("Description", ""),
            schema if isinstance(schema, str) or schema is None else json.dumps(schema),
        )
        return cls(name, account_id, region_name, properties)

    def remove(self) -> None:
        api = backend(self.account_id, self.region_name).apis.get(self.properties["RestApiId"])
        if api is not None:
            api.models.pop(self.physical_resource_id, None)


@registered
class RequestValidator(SandboxModel, CloudFormationModel):
    TYPE = "AWS::ApiGateway::RequestValidator"
    ATTRIBUTES = ("RequestValidatorId",)

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> RequestValidator:
        validator = backend(account_id, region_name).create_request_validator(
            properties["RestApiId"],
            properties.get("Name", name),
            as_bool(properties.get("ValidateRequestBody")),
            as_bool(properties.get("ValidateRequestParameters")),
        )
        return cls(validator.id, account_id, region_name, properties, {"RequestValidatorId": validator.id})

    def remove(self) -> None:
        api = backend(self.account_id, self.region_name).apis.get(self.properties["RestApiId"])
        if api is not None and self.physical_resource_id in api.request_validators:
            api.delete_request_validator(self.physical_resource_id)


@registered
class GatewayResponse(SandboxModel, CloudFormationModel):
    TYPE = "AWS::ApiGateway::GatewayResponse"

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> GatewayResponse:
        backend(account_id, region_name).put_gateway_response(
            properties["RestApiId"],
            properties["ResponseType"],
            properties.get("StatusCode"),  # type: ignore[arg-type]
            properties.get("ResponseParameters"),
            properties.get("ResponseTemplates"),
        )
        return cls(f"gr-{uuid.uuid4().hex[:10]}", account_id, region_name, properties)

    def remove(self) -> None:
        api = backend(self.account_id, self.region_name).apis.get(self.properties["RestApiId"])
        if api is not None:
            api.gateway_responses.pop(self.properties["ResponseType"], None)
