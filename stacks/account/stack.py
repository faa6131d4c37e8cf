"""Settings that exist once per AWS account and region, kept out of every stage's stacks."""

from __future__ import annotations

from aws_cdk import RemovalPolicy, Stack
from constructs import Construct

from cdk_refarch import ApiGatewayAccountLogging
from cdk_refarch.account_baseline import AccountBaseline, BudgetAlarmOptions
from cdk_refarch.core.errors import PatternConfigError, require

#: The context key (``-c monthly_budget_usd=50``) of the account's monthly cost budget.
MONTHLY_BUDGET_CONTEXT = "monthly_budget_usd"


def budget_from_context(value: object) -> float | None:
    """The budget in US dollars from the context: ``-c`` gives strings, cdk.json numbers;
    absent or empty is no budget. AccountBaseline checks the amount."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise PatternConfigError(
                f"{MONTHLY_BUDGET_CONTEXT} ({value!r}) must be a number of US dollars, "
                f"e.g. -c {MONTHLY_BUDGET_CONTEXT}=50"
            ) from None
    return value  # type: ignore[return-value]


class AccountStack(Stack):
    """The account baseline: a multi-region CloudTrail trail, an optional monthly cost
    budget, and API Gateway's account-level CloudWatch Logs role, for every stage.

    Deployed by every stage under the same stack name, and retained in every stage:
    destroying the trail would stop the account's audit log, and the API Gateway role and
    setting the execution logs of every API in the account and region, the production
    stage's included. The alarm e-mail is the one given on the command line, whatever
    the stage: the budget mails it.

    ``ApiGatewayAccountLogging`` stays beside the baseline rather than inside it: its role
    and setting keep the logical IDs they were deployed with (a retained resource whose
    ID changes is orphaned, not moved), and the baseline composes with other places that
    set API Gateway's account role.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        monthly_budget_usd: object = None,
        alarm_email: str | None = None,
        **kwargs: object,
    ) -> None:
        budget = budget_from_context(monthly_budget_usd)
        require(
            budget is None or alarm_email is not None,
            f"{MONTHLY_BUDGET_CONTEXT} ({budget!r}) needs an alarm e-mail, which the budget mails: pass "
            "-c alarm_email=you@example.com (make ... ALARM_EMAIL=you@example.com)",
        )
        kwargs.setdefault("description", _description(budget))
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.api_gateway_logging = ApiGatewayAccountLogging(self, "ApiGatewayLogging")
        self.baseline = AccountBaseline(
            self,
            "Baseline",
            monthly_budget_usd=budget,
            alarms=BudgetAlarmOptions(email=alarm_email),
            # Account-wide, so never destroyed with a stage: see the class docstring.
            removal_policy=RemovalPolicy.RETAIN,
        )


def _description(budget: float | None) -> str:
    holds = "a multi-region CloudTrail trail"
    if isinstance(budget, (int, float)) and not isinstance(budget, bool):
        holds += f", a monthly cost budget of {budget:g} USD"
    return f"Account baseline (retained): {holds} and API Gateway's CloudWatch Logs role"
