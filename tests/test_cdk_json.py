"""cdk.json: the CDK CLI settings and the feature flags every synth uses."""

from __future__ import annotations

import json
from pathlib import Path

from tests.synthesis import CDK_CONTEXT


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
