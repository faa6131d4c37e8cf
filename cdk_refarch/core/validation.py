"""Checks shared by every pattern's options: numbers, names and strings.

Each raises :class:`~cdk_refarch.core.errors.PatternConfigError` with a message that
names the property, the value given and what is allowed. Numbers reject ``bool``
(``True`` is an ``int`` to Python, and would silently become 1), NaN and infinity
(jsii cannot serialize them: the kernel dies and every later CDK call in the process
fails with a broken pipe).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping

from cdk_refarch.core.errors import PatternConfigError, require

# Lambda (and the shell) take environment variable names of this form.
_ENV_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: Names that hold a secret: their value must come from Secrets Manager or SSM, not the template.
SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL", re.IGNORECASE)
#: The ARN of a Secrets Manager secret or of an SSM parameter.
SECRET_ARN = re.compile(
    r"^arn:aws[a-z-]*:(?:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+"
    r"|ssm:[a-z0-9-]+:\d{12}:parameter/[\w/+=.@-]+)$"
)


def _num(value: float) -> str:
    """A bound as written: ``2000000000``, not ``:g``'s ``2e+09`` (or ``1e+06`` for 1000001)."""
    return str(value) if isinstance(value, int) else f"{value:g}"


def _range_text(minimum: float | None, maximum: float | None, unit: str) -> str:
    suffix = f" {unit}" if unit else ""
    if minimum is not None and maximum is not None:
        return f"from {_num(minimum)} to {_num(maximum)}{suffix}"
    if minimum is not None:
        return f"at least {_num(minimum)}{suffix}"
    if maximum is not None:
        return f"at most {_num(maximum)}{suffix}"
    return ""


def check_int(
    prop: str, value: object, *, minimum: int | None = None, maximum: int | None = None, unit: str = ""
) -> int:
    """``value`` as an int within [minimum, maximum]; bool and non-integers fail."""
    allowed = " ".join(part for part in ("an integer", _range_text(minimum, maximum, unit)) if part)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PatternConfigError(f"{prop} ({value!r}) must be {allowed}")
    require(minimum is None or value >= minimum, f"{prop} ({value!r}) must be {allowed}")
    require(maximum is None or value <= maximum, f"{prop} ({value!r}) must be {allowed}")
    return value


def check_number(
    prop: str,
    value: object,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    above: float | None = None,
    below: float | None = None,
    unit: str = "",
) -> float:
    """``value`` as a finite number within the bounds; bool, NaN and infinity fail.

    ``minimum``/``maximum`` are inclusive, ``above``/``below`` exclusive.
    """
    parts = [_range_text(minimum, maximum, unit)]
    if above is not None:
        parts.append(f"above {_num(above)}")
    if below is not None:
        parts.append(f"below {_num(below)}")
    allowed = "a finite number" + "".join(f" {part}" for part in parts if part)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise PatternConfigError(f"{prop} ({value!r}) must be {allowed}")
    within = (
        (minimum is None or value >= minimum)
        and (maximum is None or value <= maximum)
        and (above is None or value > above)
        and (below is None or value < below)
    )
    require(within, f"{prop} ({value!r}) must be {allowed}")
    return float(value)


def check_bool(prop: str, value: object) -> bool:
    """Only ``True`` or ``False``: a truthy string or 1 is refused, not guessed."""
    require(isinstance(value, bool), f"{prop} ({value!r}) must be True or False")
    return bool(value)


def check_env_var_names(prop: str, names: Iterable[str]) -> None:
    """Every name is ``[A-Za-z_][A-Za-z0-9_]*``, as Lambda requires."""
    for name in names:
        require(
            isinstance(name, str) and bool(_ENV_VAR_NAME.fullmatch(name)),
            f"{prop} name ({name!r}) must match [A-Za-z_][A-Za-z0-9_]*: letters, digits and _, "
            "not starting with a digit",
        )


def check_environment(environment: Mapping[str, str], secrets: Mapping[str, str], *, read: str) -> None:
    """Plain settings in ``environment``, secrets by ARN in ``secrets``, as every pattern
    that runs code takes them: valid names, string values, no secret-looking plain name
    (PASSWORD, SECRET, TOKEN, API_KEY...), ARNs of a Secrets Manager secret or an SSM
    parameter, no name in both. ``read`` ends the message for a secret-looking name: how
    the value reaches the code instead (e.g. "the function reads the value at run time").
    """
    check_env_var_names("environment variable", environment)
    check_env_var_names("secrets variable", secrets)
    for name, value in environment.items():
        require(isinstance(value, str), f"environment variable {name} ({value!r}) must be a string")
        require(
            not SECRET_NAME.search(name),
            f"environment variable {name} looks like a secret, and environment variables are plain "
            f"text in the template and the console: pass secrets={{{name!r}: '<ARN of a Secrets "
            f"Manager secret or SSM parameter>'}}, and {read}",
        )
    for name, arn in secrets.items():
        require(
            isinstance(arn, str) and bool(SECRET_ARN.fullmatch(arn)),
            f"secrets variable {name} ({arn!r}) must be the ARN of a Secrets Manager secret "
            "(arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME) or an SSM parameter "
            "(arn:aws:ssm:REGION:ACCOUNT:parameter/NAME)",
        )
    both = sorted(set(environment) & set(secrets))
    require(not both, f"environment and secrets both set {', '.join(both)}")


# How CDK writes a deploy-time value (a token) into a string.
_STRING_TOKEN = re.compile(r"\$\{Token\[[^\]]+\]\}")


def without_tokens(value: str, placeholder: str = "token") -> str:
    """``value`` with each deploy-time value replaced by ``placeholder``, so that the
    literal parts of a string such as ``https://${Token[...]}/`` can still be checked."""
    return _STRING_TOKEN.sub(placeholder, value)
