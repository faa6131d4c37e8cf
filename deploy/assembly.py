"""The stacks of a synthesized cloud assembly (``cdk synth --output DIR``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

_UNKNOWN = ("unknown-account", "unknown-region")


@dataclass(frozen=True)
class StackArtifact:
    """One stack: its construct id (what ``cdk deploy ID`` takes) and where it deploys."""

    id: str
    stack_name: str
    account: str | None
    region: str | None
    template_file: Path
    bootstrap_parameter: str
    bootstrap_version: int

    @cached_property
    def template(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.template_file.read_text())
        return result

    def region_or(self, default: str) -> str:
        return self.region or default


def read_stacks(outdir: Path) -> list[StackArtifact]:
    """The top-level stacks of the assembly in ``outdir``, in manifest order."""
    manifest_path = outdir / "manifest.json"
    if not manifest_path.exists():
        raise FileNotFoundError(f"no cloud assembly in {outdir} (manifest.json missing): synthesize first")
    manifest = json.loads(manifest_path.read_text())
    stacks = []
    for artifact_id, artifact in manifest.get("artifacts", {}).items():
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        properties = artifact.get("properties", {})
        account, region = artifact["environment"].removeprefix("aws://").split("/", 1)
        stacks.append(
            StackArtifact(
                id=artifact_id,
                stack_name=properties.get("stackName", artifact_id),
                account=None if account in _UNKNOWN else account,
                region=None if region in _UNKNOWN else region,
                template_file=outdir / properties["templateFile"],
                bootstrap_parameter=properties.get(
                    "bootstrapStackVersionSsmParameter", "/cdk-bootstrap/hnb659fds/version"
                ),
                bootstrap_version=int(properties.get("requiresBootstrapStackVersion", 6)),
            )
        )
    return stacks


def select(stacks: list[StackArtifact], names: list[str] | None) -> list[StackArtifact]:
    """``stacks`` named by id (or stack name), in the assembly's order; all if no names."""
    if not names:
        return stacks
    unknown = [name for name in names if not any(name in (stack.id, stack.stack_name) for stack in stacks)]
    if unknown:
        available = ", ".join(stack.id for stack in stacks)
        raise ValueError(f"no stack named {', '.join(unknown)} in the app; its stacks are: {available}")
    return [stack for stack in stacks if stack.id in names or stack.stack_name in names]
