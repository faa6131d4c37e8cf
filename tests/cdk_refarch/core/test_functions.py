"""cdk_refarch.core.functions: the runtime, the Powertools layer and one Python function
with its own role and log group, as ServerlessApi and UploadPipeline build them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Environment, RemovalPolicy, Stack, Validations
from aws_cdk import aws_logs as logs
from cdk_nag import AwsSolutionsChecks
from constructs import Construct

from cdk_refarch import PatternConfigError
from cdk_refarch.core import functions
from cdk_refarch.core.functions import POWERTOOLS_LAYER, RUNTIME, check_handler_code, powertools_layer, python_function
from cdk_refarch.serverless_api import functions as api_functions
from tests.quality.test_gates import lint_findings
from tests.synthesis import Synthesized, synthesize

CODE = str(Path(__file__).resolve().parents[1] / "upload_pipeline" / "stub")


def _raises(message: str) -> Any:
    return pytest.raises(PatternConfigError, match=re.escape(message))


def build(app: App) -> list[Stack]:
    stack = Stack(app, "Functions", env=Environment(region="eu-west-1"))
    scope = Construct(stack, "Worker")
    python_function(
        scope,
        code_path=CODE,
        handler="handler.handler",
        memory_size=512,
        timeout_seconds=20,
        reserved_concurrency=3,
        layer=powertools_layer(scope),
        environment={"MODE": "test"},
        description="a worker",
        role_description="the worker's role",
        retention=logs.RetentionDays.TWO_WEEKS,
        removal_policy=RemovalPolicy.DESTROY,
    )
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return [stack]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(tmp_path_factory.mktemp("functions"), build)


def test_runtime_and_layer_move_together() -> None:
    assert RUNTIME.name == "python3.14"
    assert POWERTOOLS_LAYER.endswith(":017000801446:layer:AWSLambdaPowertoolsPythonV3-python314-arm64:36")
    # ServerlessApi uses the same ones, from here.
    assert api_functions.RUNTIME is functions.RUNTIME
    assert api_functions.POWERTOOLS_LAYER is functions.POWERTOOLS_LAYER
    assert api_functions.powertools_layer is functions.powertools_layer


def test_function_is_built_with_its_own_role_and_log_group(app: Synthesized) -> None:
    assert app.violations_of("Functions") == []  # the X-Ray wildcard is acknowledged on the role
    assert lint_findings(app, "Functions") == []
    assert app.warnings_of("Functions") == []
    (log_group_id, log_group) = app.only("Functions", "AWS::Logs::LogGroup", "WorkerLogs")
    assert (log_group["Properties"]["RetentionInDays"], log_group["DeletionPolicy"]) == (14, "Delete")
    (role_id, role) = app.only("Functions", "AWS::IAM::Role", "WorkerRole")
    assert role["Properties"]["Description"] == "the worker's role"
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}
    ]
    assert "ManagedPolicyArns" not in role["Properties"]
    (_, policy) = app.only("Functions", "AWS::IAM::Policy")
    assert policy["Properties"]["Roles"] == [{"Ref": role_id}]
    assert policy["Properties"]["PolicyDocument"]["Statement"] == [
        {
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [log_group_id, "Arn"]},
        },
        {"Action": ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], "Effect": "Allow", "Resource": "*"},
    ]
    (_, function) = app.only("Functions", "AWS::Lambda::Function", "WorkerFunction")
    properties = function["Properties"]
    assert properties["Role"] == {"Fn::GetAtt": [role_id, "Arn"]}
    assert (properties["Runtime"], properties["Architectures"], properties["Handler"]) == (
        "python3.14",
        ["arm64"],
        "handler.handler",
    )
    assert (properties["MemorySize"], properties["Timeout"], properties["ReservedConcurrentExecutions"]) == (512, 20, 3)
    assert properties["TracingConfig"] == {"Mode": "Active"}
    assert properties["Layers"] == [POWERTOOLS_LAYER.format(partition="aws", region="eu-west-1")]
    assert properties["LoggingConfig"] == {"LogGroup": {"Ref": log_group_id}}
    assert properties["Environment"] == {"Variables": {"MODE": "test"}}
    assert properties["Description"] == "a worker"


@pytest.mark.parametrize("handler", ["handler", "a..b", "9.handler", "handler.handler:x", 5])
def test_handler_must_be_module_function(handler: object) -> None:
    with _raises(f"handler ({handler!r}) must be 'module.function', e.g. 'handler.handler'"):
        check_handler_code(CODE, handler)


def test_code_path_must_be_a_folder(tmp_path: Path) -> None:
    file = tmp_path / "handler.py"
    file.write_text("")
    with _raises(f"code_path ({str(file)!r}) must be an existing folder"):
        check_handler_code(str(file), "handler.handler")


def test_handler_module_must_exist(tmp_path: Path) -> None:
    with _raises(f"handler ('app.main.handler') needs {tmp_path / 'app' / 'main.py'}, which does not exist"):
        check_handler_code(str(tmp_path), "app.main.handler")


def test_a_nested_handler_module_is_found(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text("")
    check_handler_code(str(tmp_path), "app.main.handler")
