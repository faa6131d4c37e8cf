"""Fixtures of the emulator tests: moto in-process with the adapter installed."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from emulator import adapter

REGION = "us-east-1"


@dataclass
class Cloud:
    """boto3 against in-process moto, plus helpers to deploy templates and read stacks."""

    def client(self, service: str, region: str = REGION) -> Any:
        return boto3.client(service, region_name=region)

    def deploy(
        self, resources: dict[str, Any], outputs: dict[str, Any] | None = None, name: str = "stack"
    ) -> dict[str, Any]:
        template: dict[str, Any] = {"Resources": resources}
        if outputs:
            template["Outputs"] = outputs
        cloudformation = self.client("cloudformation")
        cloudformation.create_stack(StackName=name, TemplateBody=json.dumps(template))
        return dict(cloudformation.describe_stacks(StackName=name)["Stacks"][0])

    def physical_id(self, logical_id: str, name: str = "stack") -> str:
        resources = self.client("cloudformation").describe_stack_resources(StackName=name)["StackResources"]
        return next(r["PhysicalResourceId"] for r in resources if r["LogicalResourceId"] == logical_id)

    def events(self, name: str = "stack") -> dict[str, tuple[str, str]]:
        """Logical id -> (status, reason) of its latest event."""
        latest: dict[str, tuple[str, str]] = {}
        for event in self.client("cloudformation").describe_stack_events(StackName=name)["StackEvents"]:
            latest.setdefault(
                event["LogicalResourceId"], (event["ResourceStatus"], event.get("ResourceStatusReason", ""))
            )
        return latest

    def outputs(self, stack: dict[str, Any]) -> dict[str, str]:
        return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs") or []}

    def delete(self, name: str = "stack") -> str:
        cloudformation = self.client("cloudformation")
        stack_id = cloudformation.describe_stacks(StackName=name)["Stacks"][0]["StackId"]
        cloudformation.delete_stack(StackName=name)
        return str(cloudformation.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"])


@pytest.fixture
def cloud() -> Iterator[Cloud]:
    adapter.install()
    try:
        with mock_aws():
            yield Cloud()
    finally:
        adapter.uninstall()


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()
