"""``serverless-web-app``: the items API (API Gateway + Lambda + DynamoDB) behind a site
that signs people in with Cognito.

Its stacks, each depending only on the ones before it: ``Alarms`` (the topic every alarm
of the application notifies), ``Data`` (the items table, the user pool and its managed
login domain: what holds data), ``Api`` (the REST API, which takes the pool's ID tokens),
``Site`` (``site/app/`` on CloudFront, with ``/api/*`` routed to the API on the same
origin, the page's app client and its ``config.json``) and ``Monitoring`` (the
dashboard of the site and the API).

All three are in us-east-1, CloudFront's region, whatever ``-c region`` says. The site
must be there (its certificate, web ACL and log delivery), and it names the API's
endpoint and the pool's client and domain: with the API or the pool in another region,
each of those would be a cross-region reference. The API's execution logs use the
account's API Gateway role, which the account stack sets in the region it deploys to:
deploy this application where that region is us-east-1 too (the default), or the API's
stage cannot turn its execution logs on.
"""

from __future__ import annotations

from aws_cdk import Stack

from cdk_refarch.monitoring import api_section, static_site_section
from stacks.applications import roles
from stacks.applications.base import Application, Composition
from stacks.serverless_api.stack import ServerlessApiStack, ServerlessDataStack
from stacks.static_site.web_app import WebAppSiteStack


def _build(application: Application, composition: Composition) -> list[Stack]:
    stage = composition.stage.name
    env = composition.cloudfront_env
    alarms = roles.alarms_stack(application, composition, "Serverless web app", env)
    data = composition.stack(
        application,
        "Data",
        ServerlessDataStack,
        stateful=True,
        description=f"Items table and users of the serverless web app ({stage})",
        env=env,
    )
    api = composition.stack(
        application,
        "Api",
        ServerlessApiStack,
        description=f"API Gateway + Lambda items service ({stage})",
        table=data.items.table,
        user_pool=data.user_pool,
        alarm_topic=alarms.topic,
        env=env,
    )
    # The API stage's execution logs need the account's API Gateway role first.
    api.add_stack_dependency(composition.account)
    site = composition.stack(
        application,
        "Site",
        WebAppSiteStack,
        description=f"The serverless web app's site on S3 + CloudFront, /api/* to the API ({stage})",
        rest_api=api.service.api,
        user_pool=data.user_pool,
        login_domain=data.login_domain,
        domain=composition.domain("app_domain"),
        env=env,
    )
    sections = [static_site_section(site.site), api_section(api.service)]
    monitoring = roles.monitoring_stack(
        application, composition, "Serverless web app", sections=sections, alarm_topic=alarms.topic, env=env
    )
    return [alarms, data, api, site, monitoring]


APPLICATION = Application(
    name="serverless-web-app",
    title="ServerlessWebApp",
    summary="StaticSite + ServerlessApi + DynamoTable + Cognito: a site that signs in and calls the items API "
    "on its own origin",
    build=_build,
)
