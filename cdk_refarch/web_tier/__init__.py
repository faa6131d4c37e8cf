"""ALB + Auto Scaling group of EC2 instances: ``WebTier``."""

from cdk_refarch.web_tier.construct import WebTier
from cdk_refarch.web_tier.options import WebAppOptions

__all__ = ["WebAppOptions", "WebTier"]
