"""Secrets Manager secrets, security group egress rules, WAFv2 web ACLs and associations."""

from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ec2.exceptions import InvalidSecurityGroupNotFoundError
from moto.ec2.models import ec2_backends
from moto.kms.models import kms_backends
from moto.secretsmanager.exceptions import SecretNotFoundException
from moto.secretsmanager.models import secretsmanager_backends
from moto.wafv2.models import wafv2_backends

from deploy.models.base import SandboxModel, as_bool, as_list


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


class SecurityGroupEgress(SandboxModel, CloudFormationModel):
    TYPE = "AWS::EC2::SecurityGroupEgress"
    ATTRIBUTES = ("Id",)

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> SecurityGroupEgress:
        backend = ec2_backends[account_id][region_name]
        rules, _ = backend.authorize_security_group_egress(**cls._rule(properties))
        rule_id = rules[0].id if rules else name
        return cls(rule_id, account_id, region_name, properties, {"Id": rule_id})

    @staticmethod
    def _rule(p: dict[str, Any]) -> dict[str, Any]:
        ip_ranges = [{"CidrIp": p["CidrIp"], "Description": p.get("Description")}] if p.get("CidrIp") else []
        if p.get("CidrIpv6"):
            ip_ranges.append({"CidrIpv6": p["CidrIpv6"], "Description": p.get("Description")})
        groups = [{"GroupId": p["DestinationSecurityGroupId"]}] if p.get("DestinationSecurityGroupId") else []
        prefixes = [{"PrefixListId": p["DestinationPrefixListId"]}] if p.get("DestinationPrefixListId") else []
        return {
            "group_name_or_id": p["GroupId"],
            "ip_protocol": str(p["IpProtocol"]),
            "from_port": p.get("FromPort", -1),
            "to_port": p.get("ToPort", -1),
            "ip_ranges": ip_ranges,
            "source_groups": groups,
            "prefix_list_ids": prefixes,
        }

    def remove(self) -> None:
        try:
            ec2_backends[self.account_id][self.region_name].revoke_security_group_egress(**self._rule(self.properties))
        except InvalidSecurityGroupNotFoundError:
            pass  # the rule went with its group


class WebAcl(SandboxModel, CloudFormationModel):
    TYPE = "AWS::WAFv2::WebACL"
    NAME_PROPERTY = "Name"
    ATTRIBUTES = ("Arn", "Id", "Capacity", "LabelNamespace")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> WebAcl:
        p = properties
        acl = wafv2_backends[account_id][region_name].create_web_acl(
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
        backend = wafv2_backends[self.account_id][self.region_name]
        acl = backend.wacls.get(self.attributes["Arn"])
        if acl is not None:
            backend.delete_web_acl(acl.name, self.properties["Scope"], acl.id, acl.lock_token)


class WebAclAssociation(SandboxModel, CloudFormationModel):
    TYPE = "AWS::WAFv2::WebACLAssociation"

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> WebAclAssociation:
        wafv2_backends[account_id][region_name].associate_web_acl(properties["WebACLArn"], properties["ResourceArn"])
        return cls(f"{properties['WebACLArn']}|{properties['ResourceArn']}", account_id, region_name, properties)

    def remove(self) -> None:
        wafv2_backends[self.account_id][self.region_name].disassociate_web_acl(self.properties["ResourceArn"])


class KmsKey(SandboxModel):
    """moto's own ``AWS::KMS::Key`` model passes CloudFormation's tags (Key/Value) to
    KMS, which expects TagKey/TagValue, and fails; it also drops the key spec and usage.
    The adapter routes the type here instead."""

    TYPE = "AWS::KMS::Key"
    ATTRIBUTES = ("Arn", "KeyId")

    @classmethod
    def create(
        cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str
    ) -> KmsKey:
        p = properties
        policy = p.get("KeyPolicy")
        backend = kms_backends[account_id][region_name]
        key = backend.create_key(
            policy=policy if isinstance(policy, str) or policy is None else json.dumps(policy),
            key_usage=p.get("KeyUsage", "ENCRYPT_DECRYPT"),
            key_spec=p.get("KeySpec", "SYMMETRIC_DEFAULT"),
            description=p.get("Description", ""),
            tags=[{"TagKey": tag["Key"], "TagValue": str(tag["Value"])} for tag in as_list(p.get("Tags"))],
            multi_region=as_bool(p.get("MultiRegion")),
        )
        key.key_rotation_status = as_bool(p.get("EnableKeyRotation"))
        key.enabled = as_bool(p.get("Enabled"), default=True)
        return cls(key.id, account_id, region_name, properties, {"Arn": key.arn, "KeyId": key.id})

    def remove(self) -> None:
        # CloudFormation schedules the key's deletion; it is not gone at once.
        backend = kms_backends[self.account_id][self.region_name]
        if self.physical_resource_id in backend.keys:
            backend.schedule_key_deletion(
                self.physical_resource_id, int(self.properties.get("PendingWindowInDays", 30))
            )
