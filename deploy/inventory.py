"""What a deployed stack holds, resource by resource, against what its template asks for.

A resource is *created* (a service backend holds it, as AWS would), *emulated* (the
sandbox adapter did in-process what AWS does, e.g. CDK's bucket deployment), *skipped*
(the emulator could not create it; the reason comes with it) or *not created* (missing
from the stack: a false ``Condition``, or a failure). The emulator's stack events carry
the emulator's notes (``emulator.notes``); in a real account every resource of the
stack is created.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from deploy.assembly import StackArtifact
from emulator.notes import EMULATED, SKIPPED

CREATED, EMULATED_STATUS, SKIPPED_STATUS, NOT_CREATED = "created", "emulated", "skipped", "not created"


@dataclass(frozen=True)
class ResourceRecord:
    logical_id: str
    type: str
    status: str
    physical_id: str = ""
    reason: str = ""
    conditional: bool = False


@dataclass
class StackInventory:
    stack: StackArtifact
    status: str
    outputs: dict[str, str] = field(default_factory=dict)
    resources: list[ResourceRecord] = field(default_factory=list)

    def with_status(self, status: str) -> list[ResourceRecord]:
        return [record for record in self.resources if record.status == status]

    @property
    def expected(self) -> list[ResourceRecord]:
        """Template resources the stack should hold (a false Condition is left out)."""
        return [r for r in self.resources if not (r.conditional and r.status == NOT_CREATED)]

    @property
    def really_created(self) -> int:
        return len(self.with_status(CREATED)) + len(self.with_status(EMULATED_STATUS))

    @property
    def percent_created(self) -> float:
        return 100.0 * self.really_created / len(self.expected) if self.expected else 100.0

    def grouped(self, status: str) -> list[tuple[str, int, str]]:
        """(type, count, reason) of the resources with ``status``, by type and reason."""
        counts = Counter((r.type, r.reason) for r in self.with_status(status))
        return [(type_, count, reason) for (type_, reason), count in sorted(counts.items())]

    @property
    def physical_ids(self) -> dict[str, str]:
        return {r.logical_id: r.physical_id for r in self.resources if r.status in (CREATED, EMULATED_STATUS)}

    @property
    def skip_reasons(self) -> dict[str, str]:
        return {r.logical_id: r.reason for r in self.with_status(SKIPPED_STATUS)}

    def to_json(self) -> dict[str, Any]:
        return {
            "stack_id": self.stack.id,
            "stack_name": self.stack.stack_name,
            "status": self.status,
            "outputs": self.outputs,
            "template_resources": len(self.resources),
            "expected": len(self.expected),
            "created": len(self.with_status(CREATED)),
            "emulated": len(self.with_status(EMULATED_STATUS)),
            "skipped": len(self.with_status(SKIPPED_STATUS)),
            "not_created": len(self.with_status(NOT_CREATED)),
            "percent_created": round(self.percent_created, 1),
            "skipped_types": [{"type": t, "count": c, "reason": r} for t, c, r in self.grouped(SKIPPED_STATUS)],
            "emulated_types": [{"type": t, "count": c, "reason": r} for t, c, r in self.grouped(EMULATED_STATUS)],
            "resources": [record.__dict__ for record in self.resources],
        }


def _paginate(client: Any, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    return [item for page in client.get_paginator(operation).paginate(**kwargs) for item in page[key]]


def take_inventory(cloudformation: Any, stack: StackArtifact) -> StackInventory:
    """Read the deployed ``stack`` through a CloudFormation client (emulator or AWS)."""
    described = cloudformation.describe_stacks(StackName=stack.stack_name)["Stacks"][0]
    outputs = {o["OutputKey"]: o.get("OutputValue", "") for o in described.get("Outputs") or []}
    listed = {
        r["LogicalResourceId"]: r
        for r in _paginate(cloudformation, "list_stack_resources", "StackResourceSummaries", StackName=stack.stack_name)
        if r.get("LogicalResourceId")
    }
    # Events come newest first: keep each resource's latest reason.
    reasons: dict[str, str] = {}
    for event in _paginate(cloudformation, "describe_stack_events", "StackEvents", StackName=stack.stack_name):
        reasons.setdefault(event["LogicalResourceId"], event.get("ResourceStatusReason") or "")
    records = []
    for logical_id, resource in stack.template.get("Resources", {}).items():
        conditional = "Condition" in resource
        summary = listed.get(logical_id)
        if summary is None:
            records.append(ResourceRecord(logical_id, resource["Type"], NOT_CREATED, conditional=conditional))
            continue
        reason = reasons.get(logical_id, "")
        status = CREATED
        if reason.startswith(SKIPPED):
            status, reason = SKIPPED_STATUS, reason.removeprefix(SKIPPED)
        elif reason.startswith(EMULATED):
            status, reason = EMULATED_STATUS, reason.removeprefix(EMULATED)
        else:
            reason = ""
        records.append(
            ResourceRecord(
                logical_id, resource["Type"], status, summary.get("PhysicalResourceId", ""), reason, conditional
            )
        )
    return StackInventory(stack=stack, status=described["StackStatus"], outputs=outputs, resources=records)
