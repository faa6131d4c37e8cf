"""The upload pipeline stack's own per-stage settings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UploadPipelineSettings:
    """
    :param prefix: the key prefix whose uploads are processed.
    :param reserved_concurrency: the function's reserved concurrency; none in the sandbox,
        whose account keeps its whole (often 10) concurrency quota unreserved.
    :param deletion_protection: the two tables refuse deletion while on.
    """

    prefix: str
    reserved_concurrency: int | None
    deletion_protection: bool


SETTINGS = {
    "sandbox": UploadPipelineSettings(prefix="uploads/", reserved_concurrency=None, deletion_protection=False),
    "production": UploadPipelineSettings(prefix="uploads/", reserved_concurrency=20, deletion_protection=True),
}
