"""The reference applications: each a set of stacks composed from the patterns, selected
by name with ``-c app=NAME`` (``make synth APP=NAME``); none selects all of them.

Every application module defines ``APPLICATION``, an :class:`Application` whose
``build`` adds its stacks to the app. Stack names say application, stage and role
(``ThreeTierWeb-Sandbox-Data``); stateful stacks (network, data, buckets with data) are
their own, with termination protection in production, and the stateless stacks take
their constructs as constructor arguments: no name or ARN is written between stacks.
"""

from __future__ import annotations

from cdk_refarch.core.errors import PatternConfigError
from stacks.application_names import APPLICATION_NAMES
from stacks.applications.base import APP_CONTEXT, Application, Composition
from stacks.applications.container_microservice import APPLICATION as CONTAINER_MICROSERVICE
from stacks.applications.event_driven_pipeline import APPLICATION as EVENT_DRIVEN_PIPELINE
from stacks.applications.serverless_web_app import APPLICATION as SERVERLESS_WEB_APP
from stacks.applications.static_website import APPLICATION as STATIC_WEBSITE
from stacks.applications.three_tier_web import APPLICATION as THREE_TIER_WEB

#: Every application by name, in the order the README's table lists them.
APPLICATIONS: dict[str, Application] = {
    application.name: application
    for application in (
        STATIC_WEBSITE,
        SERVERLESS_WEB_APP,
        THREE_TIER_WEB,
        CONTAINER_MICROSERVICE,
        EVENT_DRIVEN_PIPELINE,
    )
}
assert tuple(APPLICATIONS) == APPLICATION_NAMES, "stacks/application_names.py lists other applications"


def selected_applications(name: str | None) -> list[Application]:
    """The application named by ``-c app=NAME``, or all of them without one; an unknown
    name fails with the list of valid ones."""
    if not name:
        return list(APPLICATIONS.values())
    if name not in APPLICATIONS:
        valid = ", ".join(APPLICATIONS)
        raise PatternConfigError(f"{APP_CONTEXT} ({name!r}) is not an application; valid applications: {valid}")
    return [APPLICATIONS[name]]


__all__ = ["APPLICATIONS", "APP_CONTEXT", "Application", "Composition", "selected_applications"]
