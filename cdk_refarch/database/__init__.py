"""Relational database (RDS) with read replicas and an ElastiCache cache: ``Database``, ``Cache``."""

from cdk_refarch.database.cache import Cache
from cdk_refarch.database.construct import Database
from cdk_refarch.database.engines import CACHE_ENGINES, RDS_ENGINES
from cdk_refarch.database.options import CacheAlarmOptions, CacheOptions, DatabaseAlarmOptions

__all__ = [
    "CACHE_ENGINES",
    "RDS_ENGINES",
    "Cache",
    "CacheAlarmOptions",
    "CacheOptions",
    "Database",
    "DatabaseAlarmOptions",
]
