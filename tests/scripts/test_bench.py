"""`make bench` (scripts/bench.py): the ratios to the floor and the targets it checks.

The measurement itself takes minutes and belongs to `make bench`, not to the suite; here
the report is checked on given timings, and the names it synthesizes are the registry's.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from stacks.application_names import APPLICATION_NAMES
from stacks.applications import APPLICATIONS
from tests.synthesis import ROOT


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("refarch_bench", ROOT / "scripts" / "bench.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["refarch_bench"] = module
    spec.loader.exec_module(module)
    return module


def test_the_report_gives_ratios_to_the_floor_and_flags_a_missed_target() -> None:
    bench = _bench()
    measurements = [
        bench.Measurement("empty app (floor)", 8.0),
        bench.Measurement("three-tier-web", 12.0, bench.APP_TARGET, "import 4.0s, build 2.0s, synth 3.0s"),
        bench.Measurement("all applications", 33.0, bench.ALL_TARGET),
    ]
    lines, ok = bench.report(measurements, floor=8.0)
    assert "1.50  <= 2x ok" in lines[2] and "import 4.0s" in lines[2]
    assert "4.12  <= 4x MISSED" in lines[3]
    assert ok is False
    assert bench.report(measurements[:2], floor=8.0)[1] is True


def test_bench_measures_every_application_without_starting_jsii_itself() -> None:
    assert tuple(APPLICATIONS) == APPLICATION_NAMES
    source = (ROOT / "scripts" / "bench.py").read_text()
    assert "import aws_cdk" not in source and "from stacks.applications " not in source
