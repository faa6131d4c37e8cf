"""The app: stage selection, custom-domain context, and `make synth`'s summary."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk import App

from cdk_refarch import PatternConfigError
from stacks.composition import build_app
from stacks.stages import STAGES
from tests.synthesis import CDK_CONTEXT, ROOT


def test_stages_differ_where_they_should() -> None:
    sandbox, production = STAGES["sandbox"], STAGES["production"]
    assert sandbox.removal_policy.name == "DESTROY" and production.removal_policy.name == "RETAIN"
    assert sandbox.log_retention_days < production.log_retention_days
    assert (sandbox.web_acl, production.web_acl) == (False, True)


def test_unknown_stage_lists_the_valid_ones() -> None:
    with pytest.raises(
        PatternConfigError, match=re.escape("stage ('staging') is not a known stage; valid stages: production, sandbox")
    ):
        build_app(App(context={**CDK_CONTEXT, "stage": "staging"}))


def test_custom_domain_context_must_be_complete() -> None:
    app = App(context={**CDK_CONTEXT, "site_domain": "www.example.com"})
    with pytest.raises(PatternConfigError, match="missing: hosted_zone_id, hosted_zone_name"):
        build_app(app)


def test_custom_domain_from_context() -> None:
    app = App(
        context={
            **CDK_CONTEXT,
            "site_domain": "www.example.com",
            "hosted_zone_id": "Z123",
            "hosted_zone_name": "example.com",
            "account": "111111111111",
        }
    )
    stacks = {stack.node.id: stack for stack in build_app(app)}
    site = stacks["StaticSite"].site  # type: ignore[attr-defined]
    assert site.certificate is not None
    assert site.url == "https://www.example.com"
    assert {stack.account for stack in stacks.values()} == {"111111111111"}


def test_cdk_json_sets_every_recommended_feature_flag() -> None:
    import tarfile

    import aws_cdk

    bundle = next((Path(aws_cdk.__file__).parent / "_jsii").glob("aws-cdk-lib@*.jsii.tgz"))
    with tarfile.open(bundle) as archive:
        member = archive.extractfile("package/recommended-feature-flags.json")
        assert member is not None
        recommended = json.load(member)
    missing = {flag: value for flag, value in recommended.items() if CDK_CONTEXT.get(flag) != value}
    assert missing == {}


def _synth(stage: str, outdir: Path) -> subprocess.CompletedProcess[str]:
    """What `make synth STAGE=...` runs: the pinned `cdk synth`, then the summary."""
    return subprocess.run(
        [sys.executable, "scripts/synth_summary.py", "--stage", stage, "--output", str(outdir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_make_synth_summary_lists_every_stack(tmp_path: Path) -> None:
    result = _synth("sandbox", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    for stack in ("Account", "StaticSite", "ServerlessApi", "ServerlessApiData"):
        assert re.search(rf"^{stack}\s+\d+\s+[\d.]+ KiB$", result.stdout, re.MULTILINE), result.stdout
    assert re.search(r"^synthesized 4 stack\(s\) for stage sandbox in [\d.]+s", result.stdout, re.MULTILINE)
    assert "feature flags" not in result.stdout + result.stderr
    assert "end-of-life" not in result.stdout + result.stderr


def test_make_synth_rejects_an_unknown_stage(tmp_path: Path) -> None:
    result = _synth("staging", tmp_path / "out")
    assert result.returncode != 0
    assert "error: stage ('staging') is not a known stage; valid stages: production, sandbox" in result.stderr
    assert "Traceback" not in result.stderr
