"""The server process: loopback only, and the adapter installed before it serves."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from deploy.isolation import SANDBOX_ACCESS_KEY_ID, SANDBOX_REGION, SANDBOX_SECRET_ACCESS_KEY, EndpointError
from emulator import server
from emulator.process import Emulator


def test_the_server_refuses_an_address_that_is_not_loopback() -> None:
    with pytest.raises(EndpointError):
        server.main(["--host", "10.0.0.1", "--port", "4566"])


def test_the_server_deploys_stacks_with_the_adapter_installed(tmp_path: Path) -> None:
    emulator = Emulator.start(tmp_path)
    try:
        cloudformation = boto3.client(
            "cloudformation",
            endpoint_url=emulator.endpoint,
            region_name=SANDBOX_REGION,
            aws_access_key_id=SANDBOX_ACCESS_KEY_ID,
            aws_secret_access_key=SANDBOX_SECRET_ACCESS_KEY,
        )
        # Without the adapter, moto leaves AWS::CDK::Metadata out of the stack: no event at all.
        template = {"Resources": {"CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {}}}}
        cloudformation.create_stack(StackName="stack", TemplateBody=json.dumps(template))
        events = cloudformation.describe_stack_events(StackName="stack")["StackEvents"]
        reasons = [e.get("ResourceStatusReason", "") for e in events if e["LogicalResourceId"] == "CDKMetadata"]
        assert reasons and reasons[0].startswith("emulated: ")
    finally:
        emulator.stop()
