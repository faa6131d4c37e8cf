"""The tables ``make sandbox`` and ``make smoke`` print, from inventories and smoke reports."""

from __future__ import annotations

from collections import Counter

from deploy.inventory import CREATED, EMULATED_STATUS, NOT_CREATED, SKIPPED_STATUS, StackInventory
from deploy.smoke import FAILED, PASSED, SKIPPED, SmokeReport, module_name

#: ``make sandbox`` aims at creating at least this share of all template resources.
TARGET_PERCENT = 90.0


def _by_type(inventory: StackInventory, status: str) -> list[tuple[str, int, str]]:
    records = inventory.with_status(status)
    counts = Counter(record.type for record in records)
    first_reason = {}
    for record in records:
        first_reason.setdefault(record.type, record.reason)
    return [(type_, counts[type_], first_reason[type_]) for type_ in sorted(counts)]


def stack_table(inventory: StackInventory, smoke: SmokeReport | None, emulator: bool) -> str:
    stack = inventory.stack
    lines = [f"{stack.id}  ({stack.stack_name}, {inventory.stack.region or 'default region'})  {inventory.status}"]
    label = "created in the emulator" if emulator else "created"
    lines.append(f"  {'resources in template':<24}{len(inventory.resources)}")
    lines.append(
        f"  {label:<24}{inventory.really_created} of {len(inventory.expected)} ({inventory.percent_created:.1f}%): "
        f"{len(inventory.with_status(CREATED))} by service backends, "
        f"{len(inventory.with_status(EMULATED_STATUS))} emulated in-process"
    )
    for title, status in (("emulated", EMULATED_STATUS), ("skipped", SKIPPED_STATUS), ("not created", NOT_CREATED)):
        rows = _by_type(inventory, status)
        for index, (type_, count, reason) in enumerate(rows):
            head = title if index == 0 else ""
            detail = f"  {reason}" if reason else ""
            lines.append(f"  {head:<24}{type_} x{count}{detail}")
    for index, (key, value) in enumerate(sorted(inventory.outputs.items())):
        head = "outputs" if index == 0 else ""
        lines.append(f"  {head:<24}{key} = {value}")
    if smoke is not None:
        lines.extend(smoke_lines(smoke))
    return "\n".join(lines)


def smoke_lines(smoke: SmokeReport) -> list[str]:
    if not smoke.modules and not smoke.missing:
        return [f"  {'smoke checks':<24}NONE: no resource of the stack carries a Pattern tag"]
    lines = [
        f"  {'smoke checks':<24}NONE for pattern {pattern}: add deploy/smoke/{module_name(pattern)}.py "
        "(see deploy/smoke/__init__.py)"
        for pattern in smoke.missing
    ]
    summary = f"{smoke.count(PASSED)} passed, {smoke.count(SKIPPED)} skipped, {smoke.count(FAILED)} failed"
    modules = ", ".join(name.rsplit(".", 1)[-1] for name in smoke.modules)
    lines.append(f"  {'smoke checks':<24}{summary}  ({modules})")
    marks = {PASSED: "ok  ", SKIPPED: "skip", FAILED: "FAIL"}
    for result in smoke.results:
        detail = f": {result.detail}" if result.detail else ""
        lines.append(f"  {'':<24}{marks[result.outcome]} {result.name}{detail}")
    return lines


def overall_line(inventories: list[StackInventory]) -> str:
    expected = sum(len(inventory.expected) for inventory in inventories)
    created = sum(inventory.really_created for inventory in inventories)
    percent = 100.0 * created / expected if expected else 100.0
    verdict = "meets" if percent >= TARGET_PERCENT else "is BELOW"
    return (
        f"overall: {created} of {expected} template resources created in the emulator ({percent:.1f}%) "
        f"across {len(inventories)} stack(s); {verdict} the {TARGET_PERCENT:.0f}% target"
    )


def overall_percent(inventories: list[StackInventory]) -> float:
    expected = sum(len(inventory.expected) for inventory in inventories)
    created = sum(inventory.really_created for inventory in inventories)
    return 100.0 * created / expected if expected else 100.0
