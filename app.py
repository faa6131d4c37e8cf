#!/usr/bin/env python3
"""CDK entry point: ``cdk synth -c stage=sandbox|production`` (see README)."""

import sys

from aws_cdk import App

from cdk_refarch.core.errors import PatternConfigError
from stacks.composition import alarm_email_warning, build_app, plain_http_warning
from stacks.stages import stage_from_context

app = App()
try:
    build_app(app)
    warnings = [alarm_email_warning(stage_from_context(app.node)), plain_http_warning(app)]
except PatternConfigError as error:
    sys.exit(f"error: {error}")
for warning in warnings:
    if warning:
        print(warning, file=sys.stderr)
app.synth()
