#!/usr/bin/env python3
"""CDK entry point: ``cdk synth -c stage=sandbox|production`` (see README)."""

import sys

from aws_cdk import App

from cdk_refarch.core.errors import PatternConfigError
from stacks.composition import alarm_email_warning, build_app
from stacks.stages import stage_from_context

app = App()
try:
    build_app(app)
    warning = alarm_email_warning(stage_from_context(app.node))
except PatternConfigError as error:
    sys.exit(f"error: {error}")
if warning:
    print(warning, file=sys.stderr)
app.synth()
