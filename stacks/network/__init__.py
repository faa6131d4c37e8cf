"""The network stack and its per-stage settings."""
