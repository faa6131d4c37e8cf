"""CloudFront: origin access controls and distributions, through moto's CloudFront backend.

The template describes a distribution in CloudFormation's shape (plain lists,
``IPV6Enabled``, ``Locations``...), the backend takes the API's shape (``Quantity`` and
``Items``, ``IsIPV6Enabled``, ``Items``...); :func:`api_distribution_config` translates.
"""

from __future__ import annotations

import uuid
from typing import Any

from moto.cloudfront.models import CloudFrontBackend, cloudfront_backends
from moto.core.common_models import CloudFormationModel
from moto.utilities.utils import get_partition

from emulator.models.base import SandboxModel, as_list
from emulator.models.registry import registered


def cloudfront_backend(account_id: str, region_name: str) -> CloudFrontBackend:
    # CloudFront is global: moto keeps one backend per partition.
    return cloudfront_backends[account_id][get_partition(region_name)]


def _items(values: Any, convert: Any = None) -> dict[str, Any]:
    items = [convert(value) if convert else value for value in as_list(values)]
    return {"Quantity": len(items), "Items": items}


def _behavior(behavior: dict[str, Any]) -> dict[str, Any]:
    result = dict(behavior)
    methods = as_list(result.pop("AllowedMethods", None)) or ["GET", "HEAD"]
    cached = as_list(result.pop("CachedMethods", None)) or ["GET", "HEAD"]
    result["AllowedMethods"] = {**_items(methods), "CachedMethods": _items(cached)}
    for key in ("LambdaFunctionAssociations", "FunctionAssociations", "TrustedKeyGroups", "TrustedSigners"):
        if key in result:
            result[key] = _items(result[key])
    return result


def _origin(origin: dict[str, Any]) -> dict[str, Any]:
    result = dict(origin)
    if "OriginCustomHeaders" in result:
        result["CustomHeaders"] = _items(result.pop("OriginCustomHeaders"))
    if "S3OriginConfig" in result:
        result["S3OriginConfig"] = {"OriginAccessIdentity": "", **result["S3OriginConfig"]}
    custom = result.get("CustomOriginConfig")
    if custom is not None:
        custom = dict(custom)
        custom["HTTPPort"] = custom.get("HTTPPort", 80)
        custom["HTTPSPort"] = custom.get("HTTPSPort", 443)
        custom["OriginSslProtocols"] = _items(custom.pop("OriginSSLProtocols", ["TLSv1.2"]))
        result["CustomOriginConfig"] = custom
    return result


def api_distribution_config(config: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's ``DistributionConfig`` in the shape of CreateDistribution's."""
    result: dict[str, Any] = {
        "CallerReference": str(uuid.uuid4()),
        "Comment": config.get("Comment", ""),
        "Enabled": config.get("Enabled", True),
        "Origins": _items(config.get("Origins"), _origin),
        "DefaultCacheBehavior": _behavior(config["DefaultCacheBehavior"]),
        "Aliases": _items(config.get("Aliases") or config.get("CNAMEs")),
        "CacheBehaviors": _items(config.get("CacheBehaviors"), _behavior),
        "CustomErrorResponses": _items(config.get("CustomErrorResponses")),
        "DefaultRootObject": config.get("DefaultRootObject", ""),
        "HttpVersion": config.get("HttpVersion", "http1.1"),
        "IsIPV6Enabled": config.get("IPV6Enabled", False),
        "PriceClass": config.get("PriceClass", "PriceClass_All"),
        "WebACLId": config.get("WebACLId", ""),
    }
    if "OriginGroups" in config:
        result["OriginGroups"] = config["OriginGroups"]
    if "Logging" in config:
        result["Logging"] = {"Enabled": True, "IncludeCookies": False, "Prefix": "", **config["Logging"]}
    certificate = config.get("ViewerCertificate")
    if certificate:
        renamed = {
            "AcmCertificateArn": "ACMCertificateArn",
            "IamCertificateId": "IAMCertificateId",
            "SslSupportMethod": "SSLSupportMethod",
        }
        result["ViewerCertificate"] = {renamed.get(key, key): value for key, value in certificate.items()}
    geo = (config.get("Restrictions") or {}).get("GeoRestriction")
    if geo:
        locations = as_list(geo.get("Locations"))
        result["Restrictions"] = {"GeoRestriction": {"RestrictionType": geo["RestrictionType"], **_items(locations)}}
    return result


@registered
class OriginAccessControl(SandboxModel, CloudFormationModel):
    TYPE = "AWS::CloudFront::OriginAccessControl"
    ATTRIBUTES = ("Id",)

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> OriginAccessControl:
        control = cloudfront_backend(account_id, region_name).create_origin_access_control(
            dict(properties["OriginAccessControlConfig"])
        )
        return cls(control.id, account_id, region_name, properties, {"Id": control.id})

    def remove(self) -> None:
        cloudfront_backend(self.account_id, self.region_name).origin_access_controls.pop(
            self.physical_resource_id, None
        )


@registered
class Distribution(SandboxModel, CloudFormationModel):
    TYPE = "AWS::CloudFront::Distribution"
    ATTRIBUTES = ("DomainName", "Id")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> Distribution:
        config = properties["DistributionConfig"]
        backend = cloudfront_backend(account_id, region_name)
        distribution, _, _ = backend.create_distribution(
            api_distribution_config(config), as_list(properties.get("Tags"))
        )
        # moto's origin model drops OriginAccessControlId; the API returns the attribute
        # when it is set, so put it back for GetDistribution to show which OAC signs.
        created = distribution.distribution_config.Origins["Items"]
        for origin, source in zip(created, as_list(config.get("Origins")), strict=True):
            if source.get("OriginAccessControlId"):
                origin.origin_access_control_id = source["OriginAccessControlId"]
        attributes = {"DomainName": distribution.domain_name, "Id": distribution.distribution_id}
        return cls(distribution.distribution_id, account_id, region_name, properties, attributes)

    def remove(self) -> None:
        backend = cloudfront_backend(self.account_id, self.region_name)
        if self.physical_resource_id in backend.distributions:
            backend.delete_distribution(self.physical_resource_id, if_match=True)
