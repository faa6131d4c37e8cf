"""The static site stack's own per-stage settings."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_cloudfront as cloudfront


@dataclass(frozen=True)
class StaticSiteSettings:
    """:param price_class: CloudFront edge locations; the cheapest class in the sandbox."""

    price_class: cloudfront.PriceClass


SETTINGS = {
    "sandbox": StaticSiteSettings(price_class=cloudfront.PriceClass.PRICE_CLASS_100),
    "production": StaticSiteSettings(price_class=cloudfront.PriceClass.PRICE_CLASS_ALL),
}
