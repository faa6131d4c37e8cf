"""S3 + CloudFront static website: ``StaticSite``."""

from cdk_refarch.static_site.checks import DEFAULT_CONTENT_SECURITY_POLICY
from cdk_refarch.static_site.construct import StaticSite

__all__ = ["DEFAULT_CONTENT_SECURITY_POLICY", "StaticSite"]
