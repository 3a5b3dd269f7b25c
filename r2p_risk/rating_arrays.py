"""Assessments as arrays: what the scoring model reads, one row per assessment.

The model (risk_model.py) is written once, on arrays, and scores one assessment or thousands the
same way. Here validated `Assessment` models become those arrays; the watch list builds them from
the compact inputs the database stores beside each revision (model_inputs.py), through the same
codes and `codes_matrix`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter

import numpy as np

from r2p_risk.framework import CRIMES, Framework

UNKNOWN = 4  # level code of "not rated" and "rated unknown": both are left out, never counted as absent
CONFIDENCE_CODES = {"low": 0, "medium": 1, "high": 2, None: 3}  # 3: none stated
LEVEL_CODES = {0: 0, 1: 1, 2: 2, 3: 3, None: UNKNOWN}
_CRIME_INDEX: dict[str, int] = {crime: k for k, crime in enumerate(CRIMES)}


@dataclass(frozen=True)
class RatingArrays:
    """Level and confidence codes of n assessments: indicators in framework order, risk factors 1..14.

    `levels` (n, indicators) and `whole_levels` (n, risk factors) hold 0-3 or UNKNOWN; the confidence
    arrays hold CONFIDENCE_CODES; `ongoing` and `ended` (n, 3) say which crimes have a recorded finding.
    """

    levels: np.ndarray
    confidences: np.ndarray
    whole_levels: np.ndarray
    whole_confidences: np.ndarray
    ongoing: np.ndarray
    ended: np.ndarray

    def __len__(self) -> int:
        return len(self.levels)

    def row(self, index: int) -> RatingArrays:
        return RatingArrays(
            *(
                a[index : index + 1]
                for a in (
                    self.levels,
                    self.confidences,
                    self.whole_levels,
                    self.whole_confidences,
                    self.ongoing,
                    self.ended,
                )
            )
        )


class _Codes(dict):
    """(key, level, confidence) -> column << 5 | level code << 2 | confidence code; -1 for a key not listed."""

    def __init__(self, columns: dict):
        self.width = len(columns)
        super().__init__(
            ((key, level, confidence), (column << 5) | (level_code << 2) | confidence_code)
            for key, column in columns.items()
            for level, level_code in LEVEL_CODES.items()
            for confidence, confidence_code in CONFIDENCE_CODES.items()
        )

    def __missing__(self, triple) -> int:
        return -1


_code_tables: dict[int, tuple[Framework, _Codes, _Codes]] = {}
_TABLES_KEPT = 16


def _codes(framework: Framework) -> tuple[_Codes, _Codes]:
    """The codes of a framework's indicators and of its risk factors, made once: frameworks are frozen, so while an
    entry keeps one alive its identity stands for its content."""
    entry = _code_tables.get(id(framework))
    if entry is None or entry[0] is not framework:
        entry = (framework, _Codes(indicator_columns(framework)), _Codes(factor_columns(framework)))
        _code_tables[id(framework)] = entry
        while len(_code_tables) > _TABLES_KEPT:
            del _code_tables[next(iter(_code_tables))]
    return entry[1], entry[2]


def _matrix(triples: Iterable[tuple], counts: list[int], codes_of: _Codes) -> tuple[np.ndarray, np.ndarray]:
    """Codes of (key, level, confidence) triples, `counts[i]` of them for assessment i -> (levels, confidences)."""
    codes = np.fromiter(map(codes_of.__getitem__, triples), dtype=np.int64, count=sum(counts))
    return codes_matrix(codes, counts, codes_of.width)


def codes_matrix(codes: np.ndarray, counts: list[int], width: int) -> tuple[np.ndarray, np.ndarray]:
    """Rating codes (column << 5 | level code << 2 | confidence code), `counts[i]` of them for assessment i, in the
    order rated -> (levels, confidences), each (assessments, width).

    A negative code (a key the framework does not list) is left out; of a key rated twice the last rating counts, as
    in a dict.
    """
    size = len(counts)
    owner = np.repeat(np.arange(size, dtype=np.int64), counts)
    if len(codes) and codes.min() < 0:
        codes, owner = codes[codes >= 0], owner[codes >= 0]
    cell = owner * width + (codes >> 5)
    if len(cell) > 1 and not np.all(cell[1:] > cell[:-1]):
        _, first_from_end = np.unique(cell[::-1], return_index=True)
        last = len(cell) - 1 - first_from_end
        codes, cell = codes[last], cell[last]
    levels = np.full(size * width, UNKNOWN, dtype=np.int8)
    confidences = np.full(size * width, CONFIDENCE_CODES[None], dtype=np.int8)
    levels[cell] = (codes >> 2) & 7
    confidences[cell] = codes & 3
    return levels.reshape(size, width), confidences.reshape(size, width)


def findings_arrays(per_assessment: list[list[tuple[str, str]]]) -> tuple[np.ndarray, np.ndarray]:
    ongoing = np.zeros((len(per_assessment), len(CRIMES)), dtype=bool)
    ended = np.zeros_like(ongoing)
    for row, findings in enumerate(per_assessment):
        for crime, state in findings:
            (ongoing if state == "ongoing" else ended)[row, _CRIME_INDEX[crime]] = True
    return ongoing, ended


_INDICATOR_TRIPLE = attrgetter("indicator", "level", "confidence")
_WHOLE_TRIPLE = attrgetter("risk_factor", "level", "confidence")


def arrays_from_assessments(assessments: Sequence, framework: Framework) -> RatingArrays:
    """Validated `Assessment` models -> arrays."""
    ratings = [a.ratings for a in assessments]
    wholes = [a.risk_factor_ratings for a in assessments]
    indicator_codes, factor_codes = _codes(framework)
    levels, confidences = _matrix(
        map(_INDICATOR_TRIPLE, chain.from_iterable(ratings)), list(map(len, ratings)), indicator_codes
    )
    whole_levels, whole_confidences = _matrix(
        map(_WHOLE_TRIPLE, chain.from_iterable(wholes)), list(map(len, wholes)), factor_codes
    )
    ongoing, ended = findings_arrays([[(f.crime, f.state) for f in a.atrocity_findings] for a in assessments])
    return RatingArrays(levels, confidences, whole_levels, whole_confidences, ongoing, ended)


def indicator_columns(framework: Framework) -> dict[str, int]:
    return {indicator_id: k for k, indicator_id in enumerate(framework.indicator_ids)}


def factor_columns(framework: Framework) -> dict[int, int]:
    return {rf.number: k for k, rf in enumerate(framework.risk_factors)}
