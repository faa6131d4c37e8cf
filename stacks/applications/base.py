"""What every application's ``build`` receives and how it names its stacks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_cdk import App, Environment, Stack

from stacks.account.stack import AccountStack
from stacks.domains import Domain, domain_from_context
from stacks.stages import StageSettings

#: The context key that selects one application (``-c app=three-tier-web``).
APP_CONTEXT = "app"


@dataclass(frozen=True)
class Composition:
    """The app being built: its stage, the environments of its stacks, the account stack.

    :param env: account and region from context (``-c account``, ``-c region``), the
        region left to the CLI when none is given.
    :param vpc_env: the same with a region always set (us-east-1 by default): load
        balancers' access logs need to know theirs.
    :param cloudfront_env: the same account in us-east-1, where CloudFront reads
        certificates, web ACLs and log delivery sources.
    """

    app: App
    stage: StageSettings
    env: Environment
    vpc_env: Environment
    cloudfront_env: Environment
    account: AccountStack

    def domain(self, key: str) -> Domain | None:
        return domain_from_context(self.app, key)

    def stack(self, application: Application, role: str, stack_class: type[Stack], **kwargs: Any) -> Any:
        """A stack of ``application`` named ``<Application>-<Stage>-<role>`` (also its id),
        with termination protection in production when ``stateful``."""
        stateful = bool(kwargs.pop("stateful", False))
        name = f"{application.title}-{self.stage.name.capitalize()}-{role}"
        return stack_class(
            self.app,
            name,
            stack_name=name,
            stage=self.stage,
            termination_protection=stateful and self.stage.termination_protection,
            **kwargs,
        )


@dataclass(frozen=True)
class Application:
    """One reference application.

    :param name: what ``-c app=`` takes, e.g. ``three-tier-web``.
    :param title: the stack names' first part, e.g. ``ThreeTierWeb``.
    :param summary: what it deploys, for the README and ``make help``.
    :param build: adds its stacks to the app.
    """

    name: str
    title: str
    summary: str
    build: Callable[[Application, Composition], list[Stack]]
