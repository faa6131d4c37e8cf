#!/usr/bin/env python3
"""The floor of ``make bench``: a CDK app with one empty stack, synthesized by the same
CLI, Python and jsii as the real app; whatever an application adds is measured above it."""

from aws_cdk import App, Stack

app = App()
Stack(app, "Empty")
app.synth()
