#!/usr/bin/env python3
"""CDK entry point: ``cdk synth -c stage=sandbox|production [-c app=NAME]`` (see README).

With ``REFARCH_TIMINGS=1`` it prints where its time goes (``make bench`` reads it):
importing the CDK (which starts jsii), building the stacks, synthesizing them (cdk-nag
included).
"""

import os
import sys
import time

started = time.monotonic()

from aws_cdk import App  # noqa: E402

from cdk_refarch.core.errors import PatternConfigError  # noqa: E402
from stacks.composition import alarm_email_warning, build_app, plain_http_warning  # noqa: E402
from stacks.stages import stage_from_context  # noqa: E402

imported = time.monotonic()
app = App()
try:
    build_app(app)
    warnings = [alarm_email_warning(stage_from_context(app.node)), plain_http_warning(app)]
except PatternConfigError as error:
    sys.exit(f"error: {error}")
for warning in warnings:
    if warning:
        print(warning, file=sys.stderr)
built = time.monotonic()
app.synth()
if os.environ.get("REFARCH_TIMINGS"):
    done = time.monotonic()
    print(
        f"timings: import {imported - started:.1f}s, build {built - imported:.1f}s, synth {done - built:.1f}s",
        file=sys.stderr,
    )
