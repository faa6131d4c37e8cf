"""StaticSite's ``site_exclude`` and ``extra_files``: what the one deployment uploads."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack

from cdk_refarch import PatternConfigError, StaticSite
from stacks.static_site.stack import SITE_SOURCES
from tests.cdk_refarch.static_site.variants import US_EAST_1, WEB_APP_FOLDER
from tests.synthesis import CDK_CONTEXT, Synthesized

STACK = "SiteWithApi"


def _deployment(app: Synthesized, stack_id: str) -> dict[str, Any]:
    return app.only(stack_id, "Custom::CDKBucketDeployment")[1]["Properties"]


def _asset(app: Synthesized, key: str) -> Path:
    return app.outdir / f"asset.{key.removesuffix('.zip')}"


def test_one_deployment_holds_the_folder_and_the_extra_files(variants: Synthesized) -> None:
    props = _deployment(variants, STACK)
    assert len(props["SourceObjectKeys"]) == 2
    assert len(props["SourceBucketNames"]) == 2
    assert props["Prune"] is True
    assert props["DistributionPaths"] == ["/*"]


def test_excluded_folder_stays_out_of_the_asset(variants: Synthesized) -> None:
    site_key, _ = _deployment(variants, STACK)["SourceObjectKeys"]
    uploaded = sorted(str(p.relative_to(_asset(variants, site_key))) for p in _asset(variants, site_key).rglob("*"))
    assert uploaded == ["404.html", "index.html", "styles.css"]
    assert (Path(SITE_SOURCES) / WEB_APP_FOLDER).is_dir()
    # Without site_exclude, the whole folder: the app's files too.
    (key,) = _deployment(variants, "SinglePageApp")["SourceObjectKeys"]
    assert (_asset(variants, key) / WEB_APP_FOLDER / "index.html").is_file()


def test_extra_file_is_json_with_its_deploy_time_value_as_a_marker(variants: Synthesized) -> None:
    props = _deployment(variants, STACK)
    _, data_key = props["SourceObjectKeys"]
    text = (_asset(variants, data_key) / "settings" / "api.json").read_text()
    assert json.loads(text.replace("<<marker:0xbaba:0>>", '"abc123"')) == {"apiBase": "/backend", "apiId": "abc123"}
    assert props["SourceMarkers"][0] == {}
    (marker,) = props["SourceMarkers"][1].values()
    quote, api_id, closing = marker["Fn::Join"][1]
    assert (quote, closing) == ('"', '"')
    output = api_id["Fn::GetStackOutput"]
    api_logical_id, _ = variants.only("ApiOptions", "AWS::ApiGateway::RestApi")
    assert variants.template_json("ApiOptions")["Outputs"][output["OutputName"]]["Value"] == {"Ref": api_logical_id}
    # Each marker is a whole JSON value: escaping it again would break the file.
    assert props["SourceMarkersConfig"] == [{}, {}]


def test_defaults_upload_the_folder_alone(variants: Synthesized) -> None:
    props = _deployment(variants, "SinglePageApp")
    assert len(props["SourceObjectKeys"]) == 1
    assert "SourceMarkers" not in props or props["SourceMarkers"] == [{}]


# --- refusals -----------------------------------------------------------------------------


def _fails(message: str, **props: Any) -> None:
    with pytest.raises(PatternConfigError, match=re.escape(message)):
        StaticSite(Stack(App(context=CDK_CONTEXT), "Test", env=US_EAST_1), "Site", **props)


@pytest.mark.parametrize(("prop", "value"), [("site_exclude", ("drafts",)), ("extra_files", {"a.json": {}})])
def test_deployment_options_need_site_sources(prop: str, value: Any) -> None:
    _fails(f"{prop} is only used with site_sources: it shapes what the deployment uploads", **{prop: value})


@pytest.mark.parametrize("pattern", ["", "  ", "a\nb", 3])
def test_site_exclude_entries_are_patterns(pattern: Any) -> None:
    _fails(
        f"site_exclude entry ({pattern!r}) must be a glob pattern such as 'drafts' or '*.map'",
        site_sources=SITE_SOURCES,
        site_exclude=(pattern,),
    )


@pytest.mark.parametrize("key", ["/config.json", "a//b.json", "../x.json", "a b.json", ""])
def test_extra_file_keys_are_plain_object_keys(key: str) -> None:
    _fails(
        f"extra_files key ({key!r}) must be a plain object key such as 'index.html'",
        site_sources=SITE_SOURCES,
        extra_files={key: {}},
    )


def test_extra_file_may_not_shadow_a_site_file() -> None:
    _fails(
        f"extra_files key 'index.html' is also a file in site_sources ({SITE_SOURCES!r}): one of them would "
        "silently replace the other",
        site_sources=SITE_SOURCES,
        extra_files={"index.html": {}},
    )


def test_extra_file_must_be_a_mapping() -> None:
    _fails(
        "extra_files['a.json'] (['x']) must be a mapping, written as JSON",
        site_sources=SITE_SOURCES,
        extra_files={"a.json": ["x"]},
    )


def test_extra_file_must_be_json() -> None:
    _fails(
        "extra_files['a.json'] cannot be written as JSON: Object of type set is not JSON serializable",
        site_sources=SITE_SOURCES,
        extra_files={"a.json": {"x": {1}}},
    )
