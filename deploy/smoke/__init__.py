"""Smoke checks: a few boto3 reads per stack, written once, run against either target.

Where they run
    ``make sandbox`` runs them against the emulator after deploying (target
    ``"emulator"``); ``make smoke STAGE=...`` runs them against the AWS account of your
    credentials (target ``"aws"``). The harness finds a stack's checks by the ``Pattern``
    tags of its resources: pattern ``serverless-api`` -> module
    ``deploy/smoke/serverless_api.py`` (see :func:`module_name`), so a stack that
    composes several patterns runs each one's checks. A pattern without a module is
    reported as "no smoke checks", and the sandbox test fails for it: every pattern
    ships with its checks.

Writing a module
    Define functions named ``check_<what>(ctx: SmokeContext) -> None``; they run in the
    order they are defined. A check

    - passes by returning;
    - fails with an ``AssertionError`` (``assert ...``), or any other exception;
    - is skipped by raising :class:`SmokeSkip` with the reason, when the target cannot
      show what it checks: ``ctx.require_aws("live HTTP")`` for live traffic, which the
      emulator does not serve, and ``ctx.physical_id(logical_id)`` raises it for a
      resource the emulator skipped. A skip is reported as a skip with its reason, never
      as a pass.

    What a check gets (:class:`SmokeContext`):

    - ``ctx.client("s3")``: a boto3 client bound to the target (the emulator's endpoint
      and dummy credentials, or your credentials), in the stack's region unless you pass
      ``region=``;
    - ``ctx.pattern``: the pattern whose checks run, e.g. ``"dynamo-table"``;
    - ``ctx.physical_id("ItemsTableE2D1F4C3")`` or ``ctx.only("AWS::DynamoDB::GlobalTable")``:
      a resource's physical ID by logical ID, or of the pattern's one resource of a type
      (among the resources tagged with the pattern, for types that carry tags);
      ``ctx.resources`` maps every created logical ID to its physical ID;
    - ``ctx.outputs``: the deployed stack's outputs (a composed stack may have others:
      prefer resources);
    - ``ctx.template``: the deployed template (a dict), e.g. to find logical IDs;
    - ``ctx.target``: ``"emulator"`` or ``"aws"``, for the rare check that differs.

    Example, for a pattern with a table::

        from deploy.smoke import SmokeContext

        def check_table_has_point_in_time_recovery(ctx: SmokeContext) -> None:
            table = ctx.only("AWS::DynamoDB::GlobalTable")
            backups = ctx.client("dynamodb").describe_continuous_backups(TableName=table)
            status = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
            assert status["PointInTimeRecoveryStatus"] == "ENABLED", status

        def check_api_answers(ctx: SmokeContext) -> None:
            ctx.require_aws("calling the API")  # the emulator runs no Lambda code
            ...

Checks read; a check that has to write to prove something (an API round trip) removes
what it wrote, and runs in a real account only.
"""

from __future__ import annotations

import importlib
import re
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from deploy.inventory import StackInventory

EMULATOR, AWS = "emulator", "aws"
PATTERN_TAG = "Pattern"
PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"


class SmokeSkip(Exception):
    """The target cannot show what the check looks at; the message says why."""


Check = Callable[["SmokeContext"], None]


@dataclass(frozen=True)
class SmokeContext:
    stack_id: str
    stack_name: str
    target: str
    region: str
    outputs: Mapping[str, str]
    resources: Mapping[str, str]
    skipped: Mapping[str, str]
    template: Mapping[str, Any]
    client_factory: Callable[[str, str], Any]
    pattern: str | None = None

    def client(self, service: str, region: str | None = None) -> Any:
        return self.client_factory(service, region or self.region)

    def physical_id(self, logical_id: str) -> str:
        if logical_id in self.skipped:
            raise SmokeSkip(f"{logical_id} was skipped by the emulator: {self.skipped[logical_id]}")
        assert logical_id in self.resources, f"{logical_id} is not a resource of {self.stack_name}"
        return self.resources[logical_id]

    def logical_ids(self, resource_type: str) -> list[str]:
        return [key for key, value in self.template.get("Resources", {}).items() if value["Type"] == resource_type]

    def tagged(self, resource_type: str) -> list[str]:
        """The logical IDs of ``resource_type`` tagged with this context's pattern."""
        resources = self.template.get("Resources", {})
        return [
            key
            for key in self.logical_ids(resource_type)
            if self.pattern is not None and self.pattern in resource_patterns(resources[key])
        ]

    def only(self, resource_type: str) -> str:
        """The physical ID of the pattern's single resource of ``resource_type``: among
        those tagged with the pattern, or among all of the stack's for a type that
        carries no tags (an origin access control, a method...)."""
        resources = self.template.get("Resources", {})
        every = self.logical_ids(resource_type)
        carries_tags = any(resource_patterns(resources[key]) for key in every)
        found = self.tagged(resource_type) if carries_tags else every
        assert len(found) == 1, f"expected one {resource_type} of {self.pattern} in {self.stack_name}, found {found}"
        return self.physical_id(found[0])

    def for_pattern(self, pattern: str) -> SmokeContext:
        return replace(self, pattern=pattern)

    def require_aws(self, what: str) -> None:
        if self.target != AWS:
            raise SmokeSkip(f"{what} needs a real account: the emulator has no edge, DNS or running code")

    @classmethod
    def for_stack(
        cls, inventory: StackInventory, target: str, region: str, client_factory: Callable[[str, str], Any]
    ) -> SmokeContext:
        return cls(
            stack_id=inventory.stack.id,
            stack_name=inventory.stack.stack_name,
            target=target,
            region=region,
            outputs=inventory.outputs,
            resources=inventory.physical_ids,
            skipped=inventory.skip_reasons,
            template=inventory.stack.template,
            client_factory=client_factory,
        )


@dataclass(frozen=True)
class CheckResult:
    name: str
    outcome: str
    detail: str = ""
    seconds: float = 0.0


@dataclass
class SmokeReport:
    stack_id: str
    modules: list[str] = field(default_factory=list)
    #: Patterns of the stack that have no smoke module.
    missing: list[str] = field(default_factory=list)
    results: list[CheckResult] = field(default_factory=list)

    @property
    def has_checks(self) -> bool:
        return bool(self.modules) and not self.missing

    def count(self, outcome: str) -> int:
        return sum(1 for result in self.results if result.outcome == outcome)

    @property
    def ok(self) -> bool:
        return self.count(FAILED) == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "stack_id": self.stack_id,
            "modules": self.modules,
            "missing": self.missing,
            "passed": self.count(PASSED),
            "failed": self.count(FAILED),
            "skipped": self.count(SKIPPED),
            "results": [result.__dict__ for result in self.results],
        }


def resource_patterns(resource: Mapping[str, Any]) -> set[str]:
    """The ``Pattern`` tag values of one template resource: tags as a list of Key/Value
    pairs, as a map, or on a global table's replicas."""
    properties = resource.get("Properties", {}) or {}
    tag_sets = [properties.get("Tags")] + [replica.get("Tags") for replica in properties.get("Replicas", []) or []]
    found: set[str] = set()
    for tags in tag_sets:
        if isinstance(tags, list):
            found.update(tag["Value"] for tag in tags if isinstance(tag, dict) and tag.get("Key") == PATTERN_TAG)
        elif isinstance(tags, dict) and isinstance(tags.get(PATTERN_TAG), str):
            found.add(tags[PATTERN_TAG])
    return found


def patterns_of(template: Mapping[str, Any]) -> list[str]:
    """Every pattern that tagged a resource of the template, sorted."""
    return sorted({p for resource in template.get("Resources", {}).values() for p in resource_patterns(resource)})


def module_name(pattern: str) -> str:
    """``static-site`` -> ``static_site``; ``serverless-api`` -> ``serverless_api``."""
    return re.sub(r"[^0-9a-zA-Z]+", "_", pattern).strip("_").lower()


def load_checks(pattern: str) -> tuple[str, list[Check]] | None:
    """The module and its ``check_*`` functions for ``pattern``, in definition order."""
    name = f"{__name__}.{module_name(pattern)}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name == name:
            return None
        raise
    checks = [
        value
        for key, value in vars(module).items()
        if key.startswith("check_") and callable(value) and getattr(value, "__module__", None) == name
    ]
    return name, checks


def run_checks(context: SmokeContext) -> SmokeReport:
    """Every check of every pattern tagged in the stack, pattern by pattern."""
    report = SmokeReport(context.stack_id)
    for pattern in patterns_of(context.template):
        found = load_checks(pattern)
        if found is None:
            report.missing.append(pattern)
            continue
        name, checks = found
        report.modules.append(name)
        _run(context.for_pattern(pattern), checks, report)
    return report


def _run(context: SmokeContext, checks: list[Check], report: SmokeReport) -> None:
    for check in checks:
        started = time.monotonic()
        try:
            check(context)
        except SmokeSkip as skip:
            outcome, detail = SKIPPED, str(skip)
        except AssertionError as error:
            outcome, detail = FAILED, str(error) or _last_frame(error)
        except Exception as error:
            outcome, detail = FAILED, f"{type(error).__name__}: {error}"
        else:
            outcome, detail = PASSED, ""
        name = f"{context.pattern}: {check.__name__}"
        report.results.append(CheckResult(name, outcome, detail, round(time.monotonic() - started, 2)))


def _last_frame(error: BaseException) -> str:
    # A bare `assert x == y` has no message: show the line that failed.
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "assertion failed"
    frame = frames[-1]
    return f"assertion failed: {frame.line}" if frame.line else f"assertion failed at {frame.filename}:{frame.lineno}"
