"""Shared building blocks of the data models: strictness and safe text.

The text rules, applied to every text field people or files fill in (`Annotated[str, TextRules(...)]`):
- control characters (C0, other than tab and line breaks, and DEL) are refused, with a message;
- characters that change how text looks without being seen are removed: bidirectional embeddings,
  overrides and isolates (U+202A-U+202E, U+2066-U+2069: "abc\u202egnp.exe" would show as "abcexe.png"),
  C1 controls (U+0080-U+009F), noncharacters (U+FDD0-U+FDEF and the last two of every plane, such as
  U+FFFE) and lone surrogates, which no document format can hold;
- line breaks of every kind (CR LF, CR, NEL, U+2028, U+2029) become a newline in multi-line fields
  (evidence, key judgements) and a space, like a tab, in every other field, so a name, title or URL is
  always one line.
Lengths are counted on the cleaned text. Removing rather than refusing keeps stored data readable:
what is removed was never visible.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

import annotated_types
from pydantic import BaseModel, BeforeValidator, ConfigDict

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# what is removed, in the Basic Multilingual Plane; the noncharacters of the other planes are looked for apart: in one
# character class with the rest they made cleaning 10 MB of text take over 2 s
_INVISIBLE = re.compile("[\x80-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_ASTRAL_NONCHARACTERS = tuple(chr(plane * 0x10000 + last) for plane in range(1, 17) for last in (0xFFFE, 0xFFFF))
_WITHOUT_ASTRAL_NONCHARACTERS = dict.fromkeys(map(ord, _ASTRAL_NONCHARACTERS))
_LINE_BREAK = re.compile("\r\n|[\r\x85\u2028\u2029]")
_SINGLE_LINE_BREAK = re.compile("\r\n|[\r\n\t\x85\u2028\u2029]")
_ASCII_SPACES = str.maketrans("\r\n\t", "   ")


class StrictModel(BaseModel):
    """Unknown keys are errors; loaded objects never change (use `model_copy(update=...)`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def without_invisible(value: str) -> str:
    """The text without the characters the rules remove (so that trimming it trims what people see)."""
    if value.isascii():  # every character removed lies outside ASCII (asking costs nothing: Python knows)
        return value
    value = _INVISIBLE.sub("", value)
    if any(character in value for character in _ASTRAL_NONCHARACTERS):  # at once when no character is astral
        value = value.translate(_WITHOUT_ASTRAL_NONCHARACTERS)
    return value


def clean_text(value: str, multiline: bool = False) -> str:
    """The text as the rules above keep it; ValueError for control characters."""
    if _CONTROL.search(value):
        raise ValueError("contains control characters (only tab and line breaks are allowed)")
    value = without_invisible(value)
    if value.isascii():  # ASCII breaks lines with CR and LF only: plain replacing does it, in a tenth of the time
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        return value if multiline else value.translate(_ASCII_SPACES)
    return _LINE_BREAK.sub("\n", value) if multiline else _SINGLE_LINE_BREAK.sub(" ", value)


def _cleaner(multiline: bool) -> Callable[[Any], Any]:
    def clean(value: Any) -> Any:
        return clean_text(value, multiline) if isinstance(value, str) else value  # anything else: the str check says so

    return clean


@dataclass(frozen=True)
class TextRules(annotated_types.GroupedMetadata):
    """The text rules and a length limit for a str field, one line unless `multiline`:
    `name: Annotated[str, TextRules(200, min_length=1)]`, a type both pydantic and the type checker read."""

    max_length: int
    min_length: int = 0
    multiline: bool = False

    def __iter__(self) -> Iterator[object]:  # the lengths first, so pydantic checks them as a str's lengths
        yield annotated_types.MinLen(self.min_length)
        yield annotated_types.MaxLen(self.max_length)
        yield BeforeValidator(_cleaner(self.multiline))


ShortText = Annotated[str, TextRules(200, min_length=1)]
LongText = Annotated[str, TextRules(20_000, multiline=True)]
