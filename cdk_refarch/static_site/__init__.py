"""S3 + CloudFront static website: ``StaticSite``, with an optional API behind it (``ApiRoute``)."""

from cdk_refarch.static_site.api_route import ApiRoute
from cdk_refarch.static_site.checks import DEFAULT_CONTENT_SECURITY_POLICY
from cdk_refarch.static_site.construct import StaticSite

__all__ = ["DEFAULT_CONTENT_SECURITY_POLICY", "ApiRoute", "StaticSite"]
