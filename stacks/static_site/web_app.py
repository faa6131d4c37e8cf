"""The serverless web app's site: ``site/app/`` and the items API on one CloudFront origin,
signing in with the Data stack's user pool."""

from __future__ import annotations

from pathlib import Path

import jsii
from aws_cdk import CfnOutput, IStableStringProducer, Lazy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from cdk_refarch import DEFAULT_CONTENT_SECURITY_POLICY, ApiRoute, StaticSite
from cdk_refarch.serverless_api.auth import site_client
from stacks.domains import Domain, front_door_for
from stacks.stages import StageSettings, for_stage
from stacks.static_site.settings import SETTINGS
from stacks.static_site.stack import SITE_SOURCES, WEB_APP_FOLDER, site_outputs

WEB_APP_SOURCES = str(Path(SITE_SOURCES) / WEB_APP_FOLDER)
#: Where the page reads its settings (site/app/config.js) and the path it signs in on.
CONFIG_FILE = "config.json"
REDIRECT_PATH = "/"
SCOPES = (cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL)


@jsii.implements(IStableStringProducer)
class _PageUrl:
    """The page's URL, read at synth: the client is built before the site it names."""

    def __init__(self, stack: WebAppSiteStack) -> None:
        self._stack = stack

    def produce(self) -> str:
        return f"{self._stack.site.url}{REDIRECT_PATH}"


class WebAppSiteStack(Stack):
    """``StaticSite`` serving ``site/app/`` with the API behind ``/api/*``, the user pool's
    app client for the page, and the ``config.json`` the page reads.

    The page signs in with managed login on the pool's domain, so the CSP lets it
    ``fetch`` that domain's token endpoint (``connect-src``); ``config.json`` carries the
    domain and the client's ID, filled in at deploy time. The client's callback and
    sign-out URL is the page itself.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageSettings,
        rest_api: apigw.IRestApi,
        user_pool: cognito.IUserPool,
        login_domain: cognito.UserPoolDomain,
        domain: Domain | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        settings = for_stage(SETTINGS, stage)
        page_url = Lazy.string(_PageUrl(self))
        self.client = site_client(self, user_pool, url=page_url, scopes=SCOPES)
        authority = login_domain.base_url()
        api = ApiRoute(rest_api)
        config = {
            "authority": authority,
            "clientId": self.client.user_pool_client_id,
            "apiBase": api.strip_prefix,
            "redirectPath": REDIRECT_PATH,
            "scopes": [scope.scope_name for scope in SCOPES],
        }
        self.site = StaticSite(
            self,
            "Site",
            site_sources=WEB_APP_SOURCES,
            extra_files={CONFIG_FILE: config},
            api=api,
            content_security_policy=DEFAULT_CONTENT_SECURITY_POLICY,
            connect_sources=[authority],
            front_door=front_door_for(self, domain, stage.web_acl_options()),
            price_class=settings.price_class,
            log_retention_days=stage.log_retention_days,
            removal_policy=stage.removal_policy,
        )
        site_outputs(self, self.site, what="web app")
        CfnOutput(self, "ClientId", value=self.client.user_pool_client_id, description="The page's app client")
