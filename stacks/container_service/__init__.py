"""The container service stack and its per-stage settings."""
