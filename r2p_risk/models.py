"""Shared building blocks of the data models: strictness and safe text."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class StrictModel(BaseModel):
    """Unknown keys are errors; loaded objects never change (use `model_copy(update=...)`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("contains control characters (only tab and line breaks are allowed)")
    return value


def text_field(max_length: int, min_length: int = 0):
    """A str type with a length limit that refuses control characters."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(_no_control_characters)]


ShortText = text_field(200, min_length=1)
LongText = text_field(20_000)
