"""EventBridge rules as CloudFormation creates them, delivering as EventBridge does.

moto 5.2.5's ``AWS::Events::Rule`` keeps the targets (with their dead-letter queue and
retry policy) and deletes cleanly, but:

- the name it generates is the stack name, logical ID and a suffix, whatever the length,
  where EventBridge allows 64 characters (CloudFormation shortens it);
- a ``DISABLED`` rule still delivers events;
- an event put on a bus reaches a target without an input transformer through moto's
  default template, which leaves out ``account``: EventBridge delivers the event as it
  is.

This model creates the rule through moto's EventBridge backend and makes it deliver as
EventBridge does (:func:`deliver_as_eventbridge`): only when enabled, and the whole event to
targets without ``Input``, ``InputPath`` or ``InputTransformer``. Targets with one keep
moto's behaviour (its input transformer; ``Input`` and ``InputPath`` are ignored).
"""

from __future__ import annotations

import json
import types
from typing import Any

from moto.events.models import EventsBackend, events_backends
from moto.events.models import Rule as MotoRule

from emulator.models.base import SandboxModel, as_list
from emulator.models.registry import overrides

#: EventBridge's longest rule name.
MAX_NAME = 64
_INPUT_KEYS = ("Input", "InputPath", "InputTransformer")


def events_backend(account_id: str, region_name: str) -> EventsBackend:
    return events_backends[account_id][region_name]


def deliver_as_eventbridge(rule: MotoRule, original_event: Any, transform_input: bool = True) -> None:
    """moto's delivery, only when the rule is enabled, and of the event as it is."""
    if rule.state != "ENABLED":
        return
    # moto's own bookkeeping field, which EventBridge does not deliver.
    event = {key: value for key, value in original_event.items() if key != "ingestion-time"}
    plain = not any(key in target for target in rule.targets for key in _INPUT_KEYS)
    MotoRule.send_to_targets(rule, event, transform_input=transform_input and not plain)


def rule_name(name: str) -> str:
    """A name moto generated (``stack-LogicalId-SUFFIX``) within EventBridge's limit, the
    unique suffix kept, as CloudFormation shortens it."""
    if len(name) <= MAX_NAME:
        return name
    head, _, suffix = name.rpartition("-")
    return f"{head[: MAX_NAME - len(suffix) - 1]}-{suffix}"


@overrides("AWS::Events::Rule")
class Rule(SandboxModel):
    TYPE = "AWS::Events::Rule"
    NAME_PROPERTY = "Name"
    ATTRIBUTES = ("Arn",)

    @classmethod
    def create(cls, name: str, properties: dict[str, Any], account_id: str, region_name: str, logical_id: str) -> Rule:
        p = properties
        backend = events_backend(account_id, region_name)
        bus = str(p.get("EventBusName", "default"))
        pattern = p.get("EventPattern")
        rule = backend.put_rule(
            str(p["Name"]) if p.get("Name") else rule_name(name),
            description=p.get("Description"),
            event_bus_arn=bus,
            event_pattern=None if pattern is None else pattern if isinstance(pattern, str) else json.dumps(pattern),
            role_arn=p.get("RoleArn"),
            scheduled_expression=p.get("ScheduleExpression"),
            state=p.get("State", "ENABLED"),
            tags=as_list(p.get("Tags")) or None,
        )
        # For this rule only: moto's put_rule makes a new rule, and API-created ones keep moto's delivery.
        rule.send_to_targets = types.MethodType(deliver_as_eventbridge, rule)
        targets = as_list(p.get("Targets"))
        if targets:
            backend.put_targets(rule.name, bus, targets)
        # A rule's Ref is its name, or "bus|name" on another bus than the default one.
        physical_id = rule.name if rule.event_bus_name == "default" else f"{rule.event_bus_name}|{rule.name}"
        return cls(physical_id, account_id, region_name, properties, {"Arn": rule.arn})

    def remove(self) -> None:
        backend = events_backend(self.account_id, self.region_name)
        bus_name = str(self.properties.get("EventBusName", "default"))
        name = self.physical_resource_id.rsplit("|", 1)[-1]
        bus = backend.event_buses.get(backend._normalize_event_bus_arn(bus_name))
        rule = bus.rules.get(name) if bus is not None else None
        if rule is None:
            return
        # EventBridge deletes only a rule without targets; CloudFormation removes them first.
        backend.remove_targets(name, bus_name, [target["Id"] for target in rule.targets])
        backend.delete_rule(name, bus_name)
