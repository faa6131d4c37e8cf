"""The HTML page: which instance and zone served it, and the visits in the shared database.

Every value on it is HTML-escaped (the instance's identity, the settings, the
database's rows and errors), and it loads nothing: one inline style block, which the
Content-Security-Policy allows by its SHA-256 hash, and no script, image, font, link
or form. So ``PAGE_CSP`` can forbid everything else.
"""

from __future__ import annotations

import base64
import hashlib
import html
from typing import Final, NamedTuple

from imds import Identity
from visits import Summary

PAGE_STYLE: Final = (
    "body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f8;color:#16191f}"
    "main{max-width:44rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:.5rem;"
    "box-shadow:0 1px 3px rgba(0,0,0,.15)}"
    "h1{margin-top:0;font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}"
    "dt{font-weight:600}dd{margin:0 0 .75rem;font-family:monospace}"
    "table{border-collapse:collapse;width:100%;font-size:.9rem}"
    "th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #d5dbdb}"
    "td{font-family:monospace}.error{color:#b0321e;font-weight:600}"
)
#: The page's one inline style block, allowed by hash: the policy allows nothing else.
PAGE_STYLE_HASH: Final = "sha256-" + base64.b64encode(hashlib.sha256(PAGE_STYLE.encode("utf-8")).digest()).decode()
_POLICY_TAIL: Final = "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
PAGE_CSP: Final = f"default-src 'none'; style-src '{PAGE_STYLE_HASH}'; {_POLICY_TAIL}"
JSON_CSP: Final = f"default-src 'none'; {_POLICY_TAIL}"
NO_DATABASE_TEXT: Final = "No database configured: visits are not recorded."


class DatabaseView(NamedTuple):
    """What the page says about the database: not configured, the visits, or why not."""

    configured: bool
    summary: Summary | None = None
    error: str | None = None


NO_DATABASE: Final = DatabaseView(configured=False)


def _text(value: object) -> str:
    return html.escape("unknown" if value is None else str(value), quote=True)


def _visits_section(database: DatabaseView) -> str:
    if not database.configured:
        return f"<p>{_text(NO_DATABASE_TEXT)}</p>\n"
    if database.summary is None:
        return f'<p class="error">The database is unavailable: {_text(database.error)}.</p>\n'
    total, recent = database.summary
    rows = "".join(
        f"<tr><td>{_text(visit.time)}</td><td>{_text(visit.instance_id)}</td><td>{_text(visit.availability_zone)}</td></tr>"
        for visit in recent
    )
    return (
        "<h2>Visits</h2>\n"
        f"<p>{total} {'visit' if total == 1 else 'visits'} recorded in the shared database; the latest:</p>\n"
        "<table><thead><tr><th>Time (UTC)</th><th>Instance</th><th>Availability Zone</th></tr></thead>\n"
        f"<tbody>{rows}</tbody></table>\n"
    )


def render_page(
    *,
    app_name: str,
    stage: str,
    identity: Identity | None,
    metadata_error: str | None,
    database: DatabaseView = NO_DATABASE,
) -> str:
    details = [
        ("Instance", identity.instance_id if identity else None),
        ("Availability Zone", identity.availability_zone if identity else None),
        ("Region", identity.region if identity else None),
        ("Stage", stage),
    ]
    if metadata_error is not None:
        details.append(("Instance metadata", metadata_error))
    listed = "".join(f"<dt>{_text(name)}</dt><dd>{_text(value)}</dd>" for name, value in details)
    zone = _text(identity.availability_zone if identity else None)
    instance = _text(identity.instance_id if identity else None)
    return (
        "<!doctype html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_text(app_name)}</title>\n"
        f"<style>{PAGE_STYLE}</style>\n"
        "</head>\n"
        "<body>\n"
        "<main>\n"
        f"<h1>{_text(app_name)}</h1>\n"
        f"<p>This page was served by instance {instance} in Availability Zone {zone}.</p>\n"
        f"<dl>{listed}</dl>\n"
        f"{_visits_section(database)}"
        "</main>\n"
        "</body>\n"
        "</html>\n"
    )
