"""The web tier stack and its per-stage settings."""
