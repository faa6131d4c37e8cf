"""Synthesize a CDK app once and keep what the tests read: templates and the nag report."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aws_cdk import App, Stack, Token
from aws_cdk.assertions import Template

ROOT = Path(__file__).resolve().parent.parent

# The same feature flags and settings as `cdk synth`, from the one place they live.
CDK_CONTEXT: dict[str, Any] = json.loads((ROOT / "cdk.json").read_text())["context"]


@dataclass
class Synthesized:
    """One synthesized app: its stacks' templates and the cdk-nag violations by stack."""

    outdir: Path
    stacks: dict[str, Stack]
    violations: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    _templates: dict[str, dict[str, Any]] = field(default_factory=dict)
    _assertions: dict[str, Template] = field(default_factory=dict)

    def stack(self, stack_id: str) -> Stack:
        """The stack by id, or by a pattern with one ``*`` for the stage, e.g.
        ``ThreeTierWeb-*-Data``: the tests of a stack read it in either stage."""
        if stack_id in self.stacks:
            return self.stacks[stack_id]
        found = [stack for key, stack in self.stacks.items() if fnmatch.fnmatchcase(key, stack_id)]
        assert len(found) == 1, f"expected one stack {stack_id!r}, found {[s.node.id for s in found]}"
        return found[0]

    def template_json(self, stack_id: str) -> dict[str, Any]:
        if stack_id not in self._templates:
            artifact = self.stack(stack_id).artifact_id
            self._templates[stack_id] = json.loads((self.outdir / f"{artifact}.template.json").read_text())
        return self._templates[stack_id]

    def template(self, stack_id: str) -> Template:
        if stack_id not in self._assertions:
            self._assertions[stack_id] = Template.from_json(self.template_json(stack_id))
        return self._assertions[stack_id]

    def output_of(self, reference: dict[str, Any], stack_id: str) -> Any:
        """What a ``Fn::GetStackOutput`` in another stack reads from ``stack_id``: the
        producing stack's output value, e.g. ``{"Fn::GetAtt": [<instance>, "Endpoint.Port"]}``."""
        output = reference["Fn::GetStackOutput"]
        stack = self.stack(stack_id)
        # An environment-agnostic stack's region is the deploying stack's own.
        region = {"Ref": "AWS::Region"} if Token.is_unresolved(stack.region) else stack.region
        assert (output["StackName"], output["Region"]) == (stack.stack_name, region), output
        return self.template_json(stack_id)["Outputs"][output["OutputName"]]["Value"]

    def resources(self, stack_id: str, resource_type: str) -> dict[str, dict[str, Any]]:
        """The stack's resources of one type, by logical ID."""
        return {
            logical_id: resource
            for logical_id, resource in self.template_json(stack_id)["Resources"].items()
            if resource["Type"] == resource_type
        }

    def only(self, stack_id: str, resource_type: str, prefix: str = "") -> tuple[str, dict[str, Any]]:
        """The stack's one resource of a type (whose logical ID starts with ``prefix``)."""
        found = {k: v for k, v in self.resources(stack_id, resource_type).items() if k.startswith(prefix)}
        assert len(found) == 1, f"expected one {resource_type} {prefix!r} in {stack_id}, found {sorted(found)}"
        return next(iter(found.items()))

    def warnings_of(self, stack_id: str) -> list[str]:
        """Unacknowledged CDK warning and error annotations in the stack."""
        artifact = self.stack(stack_id).artifact_id
        metadata = json.loads((self.outdir / f"{artifact}.metadata.json").read_text())
        return sorted(
            f"{entry['type']} at {path}: {entry['data']}"
            for path, entries in metadata.items()
            for entry in entries
            if entry["type"] in ("aws:cdk:warning", "aws:cdk:error")
        )

    def violations_of(self, stack_id: str) -> list[str]:
        """``rule at construct path`` for every unacknowledged nag finding in the stack."""
        prefix = self.stack(stack_id).node.path + "/"
        return sorted(
            f"{violation['ruleName']} at {construct['constructPath']}"
            for violation in self.violations
            for construct in violation["violatingConstructs"]
            if construct["constructPath"].startswith(prefix)
        )


def synthesize(outdir: Path, build: Callable[[App], list[Stack]], **context: Any) -> Synthesized:
    """Build an app with ``build`` and synthesize it once, nag plugin included.

    A nag finding makes synth raise; the templates are written before validation runs,
    so they are still read, and the report's violations are kept for the nag tests.
    """
    app = App(outdir=str(outdir), context={**CDK_CONTEXT, **context})
    stacks = {stack.node.id: stack for stack in build(app)}
    result = Synthesized(outdir=outdir, stacks=stacks)
    try:
        app.synth()
    except RuntimeError as error:  # jsii surfaces ValidationFailed as RuntimeError
        result.error = str(error)
    report = outdir / "validation-report.json"
    if report.exists():
        for plugin in json.loads(report.read_text())["pluginReports"]:
            result.violations.extend(plugin["violations"])
    if result.error and not result.violations:
        raise RuntimeError(f"synth failed without a validation report: {result.error}")
    return result


_ASSET_HASH = re.compile(r"\b[0-9a-f]{64}\b")


def normalized(template: dict[str, Any]) -> dict[str, Any]:
    """The template without what changes between machines and releases.

    Asset hashes change with the files they hash and with the CDK version; the
    CDKMetadata resource carries the CDK version.
    """
    text = _ASSET_HASH.sub("<asset-hash>", json.dumps(template, sort_keys=True))
    result: dict[str, Any] = json.loads(text)
    result.get("Resources", {}).pop("CDKMetadata", None)
    conditions = result.get("Conditions", {})
    conditions.pop("CDKMetadataAvailable", None)
    if not conditions:
        result.pop("Conditions", None)
    return result
