"""The applications' names, standard library only: for tools that must not start jsii
(``make bench`` measures synth from outside). ``stacks.applications`` checks its
registry against this list."""

from __future__ import annotations

from typing import Final

APPLICATION_NAMES: Final = (
    "static-website",
    "serverless-web-app",
    "three-tier-web",
    "container-microservice",
    "event-driven-pipeline",
)
