"""Shared building blocks every pattern is built on: errors and validation, cdk-nag
acknowledgment, log retention, secure buckets, alarms, WAF and the front door."""
