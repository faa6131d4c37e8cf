"""A REST API behind the site's own distribution: ``ApiRoute`` and the behaviour it adds.

The browser then talks to one origin: the page and ``/api/*`` come from the same host, so
no CORS is involved (notes 003:1594 reach for CORS to let a page call an API on another
host). CloudFront forwards the API's requests uncached, with every viewer header but
``Host`` (API Gateway answers a foreign ``Host`` with 403), to the API's regional
endpoint, and a CloudFront Function takes the prefix off the path on the way.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from aws_cdk import Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from constructs import Construct

from cdk_refarch.core.errors import require

#: CloudFront's limit for a cache behaviour's path pattern.
MAX_PATH_PATTERN_LENGTH = 255

_SEGMENT = r"/[A-Za-z0-9._~-]+"
_PATH_PATTERN = re.compile(rf"^(?:{_SEGMENT})+/\*$")
_PREFIX = re.compile(rf"^(?:{_SEGMENT})+$")

# cloudfront-js-2.0: the prefix is a JSON string literal, so no path can break out of it.
_STRIP_PREFIX_CODE = """\
const PREFIX = {prefix};

function handler(event) {{
  const request = event.request;
  if (request.uri === PREFIX || request.uri.startsWith(PREFIX + "/")) {{
    request.uri = request.uri.substring(PREFIX.length) || "/";
  }}
  return request;
}}
"""


@dataclass(frozen=True)
class ApiRoute:
    """A REST API that the site's distribution serves under ``path_pattern``.

    :param rest_api: the API (e.g. ``ServerlessApi(...).api``); CloudFront reaches its
        regional ``execute-api`` endpoint at its deployment stage, so the API must have
        one and must keep that endpoint on (no custom-domain-only API). The API keeps
        its own authorization (IAM or Cognito) and its own WAF.
    :param path_pattern: the behaviour's pattern, e.g. ``/api/*``.
    :param strip_prefix: taken off the path before the request reaches the API
        (``/api/items`` -> ``/items``) by a CloudFront Function; ``None`` forwards paths
        as they are (the API then needs the prefix in its own routes).
    """

    rest_api: apigw.IRestApi
    path_pattern: str = "/api/*"
    strip_prefix: str | None = "/api"

    def __post_init__(self) -> None:
        pattern = self.path_pattern
        require(
            isinstance(pattern, str)
            and len(pattern) <= MAX_PATH_PATTERN_LENGTH
            and bool(_PATH_PATTERN.fullmatch(pattern)),
            f"api.path_pattern ({pattern!r}) must be a path pattern such as '/api/*': '/', segments of "
            f"letters, digits and . _ ~ - separated by '/', ending in '/*', at most {MAX_PATH_PATTERN_LENGTH} "
            "characters",
        )
        prefix = self.strip_prefix
        if prefix is None:
            return
        require(
            isinstance(prefix, str) and bool(_PREFIX.fullmatch(prefix)),
            f"api.strip_prefix ({prefix!r}) must be a path such as '/api' (no trailing '/'), "
            "or None to forward paths as they are",
        )
        require(
            pattern.startswith(prefix + "/"),
            f"api.strip_prefix ({prefix!r}) must be the start of api.path_pattern ({pattern!r}) up to a '/', "
            "e.g. '/api' for '/api/*': requests outside the prefix never reach the behaviour",
        )


def api_domain_name(scope: Construct, rest_api: apigw.IRestApi) -> str:
    """The API's regional endpoint, ``{api id}.execute-api.{region}.{url suffix}``."""
    region = Stack.of(rest_api).region
    return f"{rest_api.rest_api_id}.execute-api.{region}.{Stack.of(scope).url_suffix}"


def api_behavior(
    scope: Construct, route: ApiRoute, response_headers_policy: cloudfront.IResponseHeadersPolicy
) -> tuple[cloudfront.BehaviorOptions, cloudfront.Function | None]:
    """The behaviour for ``route.path_pattern`` and its prefix function (if any): every
    method, HTTPS only (a redirect would turn a POST into a GET), nothing cached,
    everything but ``Host`` forwarded, the site's security headers on the answers."""
    origin = origins.HttpOrigin(
        api_domain_name(scope, route.rest_api),
        origin_path=f"/{route.rest_api.deployment_stage.stage_name}",
        protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
    )
    function = None
    associations = None
    if route.strip_prefix is not None:
        function = cloudfront.Function(
            scope,
            "ApiPrefixFunction",
            comment=f"Strips {route.strip_prefix} before requests reach the API"[:128],
            code=cloudfront.FunctionCode.from_inline(strip_prefix_code(route.strip_prefix)),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
        )
        associations = [
            cloudfront.FunctionAssociation(function=function, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST)
        ]
    behavior = cloudfront.BehaviorOptions(
        origin=origin,
        viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
        cached_methods=cloudfront.CachedMethods.CACHE_GET_HEAD,
        cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
        origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        response_headers_policy=response_headers_policy,
        function_associations=associations,
    )
    return behavior, function


def strip_prefix_code(prefix: str) -> str:
    """The CloudFront Function (viewer request) that takes ``prefix`` off the URI."""
    return _STRIP_PREFIX_CODE.format(prefix=json.dumps(prefix))
