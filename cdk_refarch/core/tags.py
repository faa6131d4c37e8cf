"""Tags: each pattern tags what it builds with its name; stacks add application and stage."""

from __future__ import annotations

import jsii
from aws_cdk import Aspects, CfnResource, IAspect, TagManager, Tags
from constructs import IConstruct

#: The tag key whose value names the pattern that built a resource, e.g. ``static-site``.
#: The sandbox finds a stack's smoke checks by it.
PATTERN_TAG = "Pattern"


def tag_pattern(construct: IConstruct) -> None:
    """Tag everything under ``construct`` with ``Pattern=<construct.PATTERN>``; a pattern
    nested in another (a table inside an API) tags its own resources with its own name."""
    Tags.of(construct).add(PATTERN_TAG, construct.PATTERN)  # type: ignore[attr-defined]


def tag_stack(stack: IConstruct, tags: dict[str, str]) -> None:
    """Tag every resource of ``stack`` with ``tags``, raw CfnResources included."""
    for key, value in tags.items():
        Tags.of(stack).add(key, value)
    Aspects.of(stack).add(TagRawResources(tags))


@jsii.implements(IAspect)
class TagRawResources:
    """Tag the roles and functions CDK builds as raw CfnResource, which Tags.of skips.

    CDK's own custom-resource providers (e.g. the one that empties buckets before
    deletion) are made that way; without this their role and function are untagged.
    They get the stack's tags, and the ``Pattern`` of the nearest pattern above them
    (none for a provider shared by the whole stack).
    """

    TYPES = ("AWS::IAM::Role", "AWS::Lambda::Function")

    def __init__(self, tags: dict[str, str]) -> None:
        self._tags = dict(tags)

    def visit(self, node: IConstruct) -> None:
        if not (isinstance(node, CfnResource) and node.cfn_resource_type in self.TYPES):
            return
        if TagManager.is_taggable(node):
            return
        tags = dict(self._tags)
        for scope in reversed(node.node.scopes):
            pattern = getattr(scope, "PATTERN", None)
            if isinstance(pattern, str):
                tags[PATTERN_TAG] = pattern
                break
        node.add_property_override("Tags", [{"Key": key, "Value": value} for key, value in sorted(tags.items())])
