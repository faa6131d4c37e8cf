"""The one way this project acknowledges a cdk-nag finding."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import Acknowledgment, Stack, Validations
from aws_cdk import aws_iam as iam
from constructs import IConstruct


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """Acknowledge one cdk-nag finding on ``scope`` and everything below it.

    ``rule`` names the exact finding, narrowed the way cdk-nag reports it, e.g.
    ``AwsSolutions-IAM5[Action::s3:GetObject*]``; a reviewer reads ``reason`` in
    ``cdk.out/validation-report.json``, so it must say why the finding is acceptable.
    """
    Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))


def wildcard_object_resources(role: iam.IRole) -> list[str]:
    """The ``.../*`` resources in ``role``'s default policy, written as cdk-nag names them.

    cdk-nag reports each wildcard resource as its own IAM5 finding, e.g.
    ``Resource::<SiteBucket1234.Arn>/*``; reading them from the policy CDK generated keeps
    an acknowledgment exact instead of guessing names such as the asset bucket's.
    """
    return wildcard_resources(role, suffix="/*")


def wildcard_resources(role: iam.IRole, *, suffix: str, containing: str = "") -> list[str]:
    """The resources of ``role``'s default policy that end with ``suffix`` (and contain
    ``containing``), as cdk-nag names them: e.g. ``suffix=":*", containing=":log-group:"``
    for the streams of a log group."""
    policy = role.node.try_find_child("DefaultPolicy")
    if not isinstance(policy, iam.Policy):
        return []
    document = Stack.of(role).resolve(policy.document.to_json()) or {}
    found: list[str] = []
    for statement in document.get("Statement", []):
        resources = statement.get("Resource", [])
        for resource in resources if isinstance(resources, list) else [resources]:
            text = _nag_form(resource)
            if text.endswith(suffix) and containing in text and text not in found:
                found.append(text)
    return found


def _nag_form(node: Any) -> str:
    """A resolved CloudFormation value, flattened as cdk-nag's ``flattenCfnReference`` does."""
    if isinstance(node, str):
        return node.replace("${", "<").replace("}", ">")
    if isinstance(node, dict):
        if "Fn::Join" in node:
            separator, parts = node["Fn::Join"]
            return separator.join(_nag_form(part) for part in parts)
        if "Fn::Sub" in node:
            return _nag_form(node["Fn::Sub"])
        if "Fn::GetAtt" in node:
            resource, attribute = node["Fn::GetAtt"]
            return f"<{_nag_form(resource)}.{_nag_form(attribute)}>"
        if "Fn::ImportValue" in node:
            return _nag_form(node["Fn::ImportValue"])
        if "Ref" in node:
            return f"<{_nag_form(node['Ref'])}>"
    return json.dumps(node, separators=(",", ":"))
