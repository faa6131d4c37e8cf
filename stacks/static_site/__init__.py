"""The static website stack and its per-stage settings."""
