"""WAFv2 web ACLs, their associations and their logging, which moto's CloudFormation
leaves out."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.wafv2.exceptions import WAFNonexistentItemException
from moto.wafv2.models import WAFV2Backend, wafv2_backends

from emulator.models.base import SandboxModel, as_list
from emulator.models.registry import registered
from emulator.models.skipped import is_placeholder

#: WAF sends logs only to a log group, bucket or Firehose stream named like this.
LOG_DESTINATION_PREFIX = "aws-waf-logs-"


def _backend(account_id: str, region_name: str) -> WAFV2Backend:
    return wafv2_backends[account_id][region_name]


@registered
class WebAcl(SandboxModel, CloudFormationModel):
    TYPE = "AWS::WAFv2::WebACL"
    NAME_PROPERTY = "Name"
    ATTRIBUTES = ("Arn", "Id", "Capacity", "LabelNamespace")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> WebAcl:
        p = properties
        acl = _backend(account_id, region_name).create_web_acl(
            name=name,
            visibility_config=p["VisibilityConfig"],
            default_action=p["DefaultAction"],
            scope=p["Scope"],
            description=p.get("Description", ""),
            tags=as_list(p.get("Tags")),
            rules=as_list(p.get("Rules")),
            association_config=p.get("AssociationConfig"),
            captcha_config=p.get("CaptchaConfig"),
            challenge_config=p.get("ChallengeConfig"),
            custom_response_bodies=p.get("CustomResponseBodies"),
            token_domains=p.get("TokenDomains"),
        )
        attributes = {
            "Arn": acl.arn,
            "Id": acl.id,
            "Capacity": acl.capacity,
            "LabelNamespace": f"awswaf:{account_id}:webacl:{name}:",
        }
        # CloudFormation's Ref of a web ACL is "name|id|scope".
        return cls(f"{name}|{acl.id}|{p['Scope']}", account_id, region_name, properties, attributes)

    def remove(self) -> None:
        backend = _backend(self.account_id, self.region_name)
        acl = backend.wacls.get(self.attributes["Arn"])
        if acl is not None:
            backend.delete_web_acl(acl.name, self.properties["Scope"], acl.id, acl.lock_token)


@registered
class WebAclAssociation(SandboxModel, CloudFormationModel):
    TYPE = "AWS::WAFv2::WebACLAssociation"

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> WebAclAssociation:
        _backend(account_id, region_name).associate_web_acl(properties["WebACLArn"], properties["ResourceArn"])
        return cls(f"{properties['WebACLArn']}|{properties['ResourceArn']}", account_id, region_name, properties)

    def remove(self) -> None:
        _backend(self.account_id, self.region_name).disassociate_web_acl(self.properties["ResourceArn"])


def _destination_name(arn: str) -> str:
    # arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*], arn:aws:s3:::BUCKET[/PREFIX],
    # arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME
    parts = arn.split(":", 5)
    if len(parts) < 6:
        raise ValueError(f"{arn!r} is not an ARN")
    resource = parts[5].removeprefix("log-group:").removeprefix("deliverystream/")
    return resource.split(":")[0].split("/")[0]


@registered
class LoggingConfiguration(SandboxModel, CloudFormationModel):
    """A web ACL's logging, in moto's WAFv2 backend.

    moto stores any configuration; WAF refuses one for a web ACL that does not exist or
    with a destination not named ``aws-waf-logs-...``, so this model does too, for the
    stack to fail here as it would in AWS.
    """

    TYPE = "AWS::WAFv2::LoggingConfiguration"
    ATTRIBUTES = ("ManagedByFirewallManager",)

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> LoggingConfiguration:
        p = properties
        acl_arn = str(p["ResourceArn"])
        backend = _backend(account_id, region_name)
        if acl_arn not in backend.wacls:
            raise ValueError(f"web ACL {acl_arn} does not exist in {region_name}: cannot configure its logging")
        destinations = [str(arn) for arn in as_list(p["LogDestinationConfigs"])]
        for arn in destinations:
            if not is_placeholder(arn) and not _destination_name(arn).startswith(LOG_DESTINATION_PREFIX):
                # AWS says "The ARN isn't valid ..., field: LOG_DESTINATION", which misleads.
                raise ValueError(f"WAF log destination {arn}: its name must start with {LOG_DESTINATION_PREFIX}")
        configuration = backend.put_logging_configuration(
            acl_arn, destinations, as_list(p.get("RedactedFields")) or None, False, p.get("LoggingFilter")
        )
        attributes = {"ManagedByFirewallManager": configuration.managed_by_firewall_manager}
        # CloudFormation's Ref of a logging configuration is the web ACL's ARN.
        return cls(acl_arn, account_id, region_name, properties, attributes)

    def remove(self) -> None:
        try:
            _backend(self.account_id, self.region_name).delete_logging_configuration(self.physical_resource_id)
        except WAFNonexistentItemException:
            pass  # already deleted outside the stack
