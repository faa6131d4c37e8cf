"""Smoke checks of the ``cache`` pattern (see ``deploy/smoke/__init__.py``).

On both targets, read back through the ElastiCache and EC2 APIs and compared with the
template: the replication group encrypted at rest under a customer-managed key and in
transit (TLS required), behind its user group, whose ``default`` user is disabled and
whose app user authenticates with IAM; failover and Multi-AZ as the template asks; its
nodes in the stack's cache subnet group; its security group open on the cache port to
security groups only.
"""

from __future__ import annotations

from typing import Any

from deploy.smoke import SmokeContext

REPLICATION_GROUP = "AWS::ElastiCache::ReplicationGroup"


def _group(ctx: SmokeContext) -> tuple[dict[str, Any], dict[str, Any]]:
    (logical_id,) = ctx.tagged(REPLICATION_GROUP)
    described = ctx.client("elasticache").describe_replication_groups(ReplicationGroupId=ctx.physical_id(logical_id))
    (group,) = described["ReplicationGroups"]
    return dict(ctx.template["Resources"][logical_id]["Properties"]), group


def check_encrypted_at_rest_and_in_transit(ctx: SmokeContext) -> None:
    _, group = _group(ctx)
    assert group["AtRestEncryptionEnabled"] is True, "no encryption at rest"
    key = ctx.client("kms").describe_key(KeyId=group["KmsKeyId"])["KeyMetadata"]
    assert key["KeyManager"] == "CUSTOMER", f"encrypted under an AWS-managed key: {key['Arn']}"
    assert group["TransitEncryptionEnabled"] is True, "no encryption in transit"
    assert group.get("TransitEncryptionMode") == "required", f"TLS is {group.get('TransitEncryptionMode')!r}"


def check_failover_and_multi_az_match_the_template(ctx: SmokeContext) -> None:
    declared, group = _group(ctx)
    failover = "enabled" if declared.get("AutomaticFailoverEnabled") else "disabled"
    assert group["AutomaticFailover"] == failover, group["AutomaticFailover"]
    multi_az = "enabled" if declared.get("MultiAZEnabled") else "disabled"
    assert group["MultiAZ"] == multi_az, group["MultiAZ"]
    assert len(group["MemberClusters"]) == int(declared.get("NumCacheClusters", 1)), group["MemberClusters"]


def check_users_authenticate_and_the_default_user_is_off(ctx: SmokeContext) -> None:
    _, group = _group(ctx)
    client = ctx.client("elasticache")
    (group_id,) = group["UserGroupIds"]
    (user_group,) = client.describe_user_groups(UserGroupId=group_id)["UserGroups"]
    users = {user_id: client.describe_users(UserId=user_id)["Users"][0] for user_id in user_group["UserIds"]}
    defaults = [user for user in users.values() if user["UserName"] == "default"]
    assert len(defaults) == 1, f"the user group has no user named default: {sorted(users)}"
    assert defaults[0]["AccessString"].startswith("off"), f"the default user is on: {defaults[0]['AccessString']}"
    for user in users.values():
        if user["UserName"] != "default":
            assert user["Authentication"]["Type"] == "iam", (
                f"{user['UserId']} authenticates with {user['Authentication']}"
            )


def check_nodes_are_in_the_subnet_group_behind_security_groups_only(ctx: SmokeContext) -> None:
    declared, group = _group(ctx)
    port = int(declared.get("Port", 6379))
    client = ctx.client("elasticache")
    (subnet_group,) = ctx.tagged("AWS::ElastiCache::SubnetGroup") or ctx.logical_ids("AWS::ElastiCache::SubnetGroup")
    wanted = ctx.physical_id(subnet_group)
    group_ids: set[str] = set()
    for member in group["MemberClusters"]:
        (cluster,) = client.describe_cache_clusters(CacheClusterId=member)["CacheClusters"]
        assert cluster["CacheSubnetGroupName"] == wanted, (member, cluster["CacheSubnetGroupName"])
        group_ids.update(sg["SecurityGroupId"] for sg in cluster["SecurityGroups"])
    assert group_ids, "the cache has no security group"
    for security_group in ctx.client("ec2").describe_security_groups(GroupIds=sorted(group_ids))["SecurityGroups"]:
        for rule in security_group["IpPermissions"]:
            assert not rule.get("IpRanges") and not rule.get("Ipv6Ranges"), f"{security_group['GroupId']}: {rule}"
            assert (rule.get("FromPort"), rule.get("ToPort")) == (port, port), f"{security_group['GroupId']}: {rule}"
