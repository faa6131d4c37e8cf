"""The construct library as a user gets it: ``cdk_refarch`` built into a wheel,
installed into a fresh venv outside the repository, and used by a small CDK app there.

The wheel is built from a copy of the repository (so the build writes nothing into the
checkout) with the project's pinned setuptools and no isolated build environment
(``pip wheel --no-deps --no-build-isolation``, as ``make wheel``). pip resolves the
wheel's dependencies against PyPI into a wheelhouse (``.wheelhouse/``, kept between runs,
so a repeat run downloads nothing new), then installs the wheel into the fresh venv from
it alone, resolving them again from the wheel's metadata. ``--no-compile`` skips
byte-compiling all of aws-cdk-lib, which would take ~20 of the ~25 seconds of a plain
install on 2 cores; Python compiles what the app imports when it runs. (pip's HTTP cache
would do where PyPI's Cache-Control headers reach pip; behind a proxy that drops them it
stores nothing, and the wheelhouse works either way.)

The app is a new one as `cdk init` makes it with the pinned CLI, so its cdk.json holds
the recommended feature flags a user's app has; the constructs rely on some of them
(StaticSite's access logs on ``@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy``).
"""

from __future__ import annotations

import ast
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[2]
NODE_BIN = ROOT / "node_modules" / ".bin"  # Node 22, for jsii
WHEELHOUSE = ROOT / ".wheelhouse"
PACKAGE = "cdk_refarch"
TIMEOUT = 600  # seconds per step; each takes seconds

#: Top-level modules the library may import, and the distribution that provides each.
DISTRIBUTIONS = {"aws_cdk": "aws-cdk-lib", "constructs": "constructs", "jsii": "jsii", "cdk_nag": "cdk-nag"}

# Left out of the copy the wheel is built from: big, generated, or other people's state.
_NOT_COPIED = shutil.ignore_patterns(
    *".git .venv node_modules cdk.out .sandbox .stamps .wheelhouse dist build *.egg-info __pycache__ *.pyc".split(),
    *".pytest_cache .ruff_cache".split(),
)

# The user's app: the README's example, writing its cloud assembly where it is told to,
# with the context of its cdk.json (the feature flags) as `cdk synth` would pass it.
USER_APP = """\
import importlib.metadata
import json
import sys
from pathlib import Path

import cdk_refarch
from aws_cdk import App, Environment, Stack
from aws_cdk import aws_dynamodb as dynamodb
from cdk_refarch import DynamoTable, StaticSite, TableOptions

app = App(outdir=sys.argv[1], context=json.loads(Path("cdk.json").read_text())["context"])
stack = Stack(app, "UserApp", env=Environment(region="us-east-1"))  # CloudFront's region
StaticSite(stack, "Site")
key = dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING)
DynamoTable(stack, "Table", options=TableOptions(partition_key=key))
app.synth()
print(json.dumps({"file": cdk_refarch.__file__, "version": importlib.metadata.version("cdk-refarch")}))
"""


@dataclass
class Built:
    source: Path  # the copy of the repository the wheel was built from
    wheel: Path


@dataclass
class UserApp:
    venv: Path
    cdk_refarch_file: Path
    version: str
    resource_types: set[str]


def run(args: list[str | Path], *, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    # Not pytest's tmp_path: pytest keeps the last runs' folders, and a venv is 270 MB.
    with tempfile.TemporaryDirectory(prefix="cdk-refarch-packaging-") as name:
        path = Path(name).resolve()
        assert not path.is_relative_to(ROOT), f"{path} must be outside the repository"
        yield path


@pytest.fixture(scope="module")
def built(workdir: Path) -> Built:
    source = workdir / "source"
    shutil.copytree(ROOT, source, ignore=_NOT_COPIED, symlinks=True)
    # As `make wheel` does, with the project's pinned setuptools and no isolated build env.
    build = ["wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", workdir / "dist", source]
    run([sys.executable, "-m", "pip", *build], cwd=workdir)
    (wheel,) = (workdir / "dist").glob(f"{PACKAGE}-*.whl")
    return Built(source=source, wheel=wheel)


@pytest.fixture(scope="module")
def user_app(built: Built, workdir: Path) -> UserApp:
    seconds: dict[str, float] = {}
    venv = workdir / "venv"
    python = venv / "bin" / "python"
    started = time.monotonic()
    run([sys.executable, "-m", "venv", venv], cwd=workdir)
    seconds["venv"] = time.monotonic() - started

    WHEELHOUSE.mkdir(exist_ok=True)
    # One test run at a time fills and reads the wheelhouse (others share this checkout).
    with (WHEELHOUSE / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        started = time.monotonic()
        run([python, "-m", "pip", "download", "--quiet", "--dest", WHEELHOUSE, built.wheel], cwd=workdir)
        for copied in WHEELHOUSE.glob(f"{PACKAGE}-*.whl"):  # pip download copies the wheel itself too
            copied.unlink()
        seconds["pip download"] = time.monotonic() - started
        started = time.monotonic()
        install = ["install", "--quiet", "--no-compile", "--no-index", "--find-links", WHEELHOUSE, built.wheel]
        run([python, "-m", "pip", *install], cwd=workdir)
        seconds["pip install"] = time.monotonic() - started

    # Nothing of the repository's Python reaches the app: no PYTHON* variables, a PATH
    # without the project's .venv, only Node 22 and the CDK CLI from its node_modules.
    path = [str(NODE_BIN), str(venv / "bin")] + [
        entry
        for entry in os.environ.get("PATH", "").split(os.pathsep)
        if entry and not Path(entry).is_relative_to(ROOT)
    ]
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "VIRTUAL_ENV", "CDK_"))}
    env["PATH"] = os.pathsep.join(path)
    env["CDK_DISABLE_CLI_TELEMETRY"] = "true"

    # A new app as a user makes one, whose cdk.json holds the recommended feature flags
    # of the pinned CLI; its app.py becomes the README's example.
    app_dir = workdir / "app"
    app_dir.mkdir()
    started = time.monotonic()
    run([NODE_BIN / "cdk", "init", "app", "--language", "python", "--generate-only"], cwd=app_dir, env=env)
    seconds["cdk init"] = time.monotonic() - started
    (app_dir / "app.py").write_text(USER_APP)
    started = time.monotonic()
    output = run([python, "app.py", app_dir / "cdk.out"], cwd=app_dir, env=env)
    seconds["synth"] = time.monotonic() - started
    print(f"\npackaging test timings (s): {', '.join(f'{step} {value:.1f}' for step, value in seconds.items())}")

    imported = json.loads(output.strip().splitlines()[-1])
    template = json.loads((app_dir / "cdk.out" / "UserApp.template.json").read_text())
    return UserApp(
        venv=venv,
        cdk_refarch_file=Path(imported["file"]),
        version=imported["version"],
        resource_types={resource["Type"] for resource in template["Resources"].values()},
    )


def wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def project_version(source: Path) -> str:
    return tomllib.loads((source / "pyproject.toml").read_text())["project"]["version"]


def test_wheel_holds_the_library_and_nothing_else(built: Built) -> None:
    names = wheel_names(built.wheel)
    dist_info = f"{PACKAGE}-{project_version(built.source)}.dist-info/"
    library = {name for name in names if not name.startswith(dist_info)}
    # Every file of the package as it is in the source (modules, each pattern's README,
    # py.typed), and nothing from the app, its tooling or its tests.
    expected = {
        path.relative_to(built.source).as_posix()
        for path in (built.source / PACKAGE).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert library == expected
    assert f"{PACKAGE}/py.typed" in library
    readmes = {name for name in library if name.endswith("/README.md")}
    assert {f"{PACKAGE}/static_site/README.md", f"{PACKAGE}/serverless_api/README.md"} <= readmes
    top_level = {name.split("/")[0] for name in names}
    assert top_level == {PACKAGE, dist_info.rstrip("/")}
    assert not top_level & {"stacks", "deploy", "tests", "emulator", "runtime", "scripts", "site"}


def test_wheel_requires_exactly_what_the_library_imports(built: Built) -> None:
    imported: set[str] = set()
    for module in (built.source / PACKAGE).rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(), str(module))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {PACKAGE, "__future__"}
    unknown = third_party - DISTRIBUTIONS.keys()
    assert not unknown, f"add the distribution of {sorted(unknown)} to pyproject.toml and to DISTRIBUTIONS"

    with zipfile.ZipFile(built.wheel) as archive:
        (metadata,) = (name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        lines = archive.read(metadata).decode().splitlines()
    requires = {
        re.match(r"[A-Za-z0-9._-]+", line.removeprefix("Requires-Dist:").strip()).group().lower().replace("_", "-")
        for line in lines
        if line.startswith("Requires-Dist:")
    }
    assert requires == {DISTRIBUTIONS[module] for module in third_party}


def test_an_app_outside_the_repository_synthesizes_with_the_installed_wheel(built: Built, user_app: UserApp) -> None:
    assert user_app.cdk_refarch_file.is_relative_to(user_app.venv / "lib"), user_app.cdk_refarch_file
    assert not user_app.cdk_refarch_file.is_relative_to(ROOT)
    assert user_app.version == project_version(built.source)
    assert "AWS::CloudFront::Distribution" in user_app.resource_types
    assert "AWS::S3::Bucket" in user_app.resource_types
    # DynamoTable builds a TableV2, which CloudFormation calls a GlobalTable.
    assert user_app.resource_types & {"AWS::DynamoDB::GlobalTable", "AWS::DynamoDB::Table"}
