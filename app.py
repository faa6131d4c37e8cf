#!/usr/bin/env python3
"""CDK entry point: ``cdk synth -c stage=sandbox|production`` (see README)."""

import sys

from aws_cdk import App

from cdk_refarch.core.errors import PatternConfigError
from stacks.composition import build_app

app = App()
try:
    build_app(app)
except PatternConfigError as error:
    sys.exit(f"error: {error}")
app.synth()
