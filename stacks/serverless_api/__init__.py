"""The items service: its data stack, its API stack and their per-stage settings."""
