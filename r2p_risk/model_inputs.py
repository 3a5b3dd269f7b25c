"""What the scoring model and the watch list read of a saved assessment, kept apart from its evidence.

The first watch list after an upgrade or a change to the scoring model scores the latest revision of
every assessment. Parsing each stored assessment whole (evidence, sources, dossier and all, some
13 KB) to read a level and a confidence per indicator was most of that time, so the database keeps
beside each revision (`assessment_revisions.inputs_json`) the little the model and the watch list
read of it, the *model inputs*:

    {"ratings": {"indicators": "1.1 1.2 1.3", "codes": "2h3m-l"},
     "risk_factor_ratings": {"risk_factors": "11 14", "codes": "1m--"},
     "atrocity_findings": [{"crime": "war_crimes", "state": "ongoing"}],
     "dossier": {"triggers": [{"date": "2026-05-01", "title": "Run-off", "outcome": ""}]},
     "review": {"state": "final", "signed_off_on": "2026-03-02"}}

The ratings keep the assessment's order, two characters each: the level (0-3, or "-" when rated
unknown) and the confidence (l, m, h, or "-" for none stated). The findings, triggers and review keep
the shape they have in the assessment, so `overview.watch_facts` reads them as it reads a whole one.
The inputs are derived: `model_inputs` makes them from the assessment's JSON when a revision is saved
(migration 0008 for the revisions saved before), and a revision without them is read from its JSON
through the same function. Changing this form needs a migration that makes them again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import numpy as np
import orjson

from r2p_risk.framework import Framework
from r2p_risk.rating_arrays import (
    CONFIDENCE_CODES,
    LEVEL_CODES,
    RatingArrays,
    codes_matrix,
    factor_columns,
    findings_arrays,
    indicator_columns,
)

T = TypeVar("T")
LEVEL_CHARS = {0: "0", 1: "1", 2: "2", 3: "3", None: "-"}
# each confidence stored as its initial (l, m, h), "-" when none is stated
CONFIDENCE_CHARS = {name: name[0] if name else "-" for name in CONFIDENCE_CODES}


def _char_table(codes: dict, chars: dict) -> np.ndarray:
    """The code of each ASCII character (-1 where it is no code): a string of codes is read in one step."""
    table = np.full(128, -1, dtype=np.int64)
    for value, char in chars.items():
        table[ord(char)] = codes[value]
    return table


_LEVEL_OF_CHAR = _char_table(LEVEL_CODES, LEVEL_CHARS)
_CONFIDENCE_OF_CHAR = _char_table(CONFIDENCE_CODES, CONFIDENCE_CHARS)


def model_inputs(data: dict) -> dict:
    """The model inputs of an assessment as JSON data (a stored revision, parsed). KeyError or TypeError when it is
    not the JSON of a valid assessment."""
    ratings, wholes = data.get("ratings", []), data.get("risk_factor_ratings", [])
    dossier, review = data.get("dossier") or {}, data.get("review") or {}
    return {
        "ratings": {"indicators": _keys(r["indicator"] for r in ratings), "codes": _rating_codes(ratings)},
        "risk_factor_ratings": {
            "risk_factors": _keys(str(r["risk_factor"]) for r in wholes),
            "codes": _rating_codes(wholes),
        },
        "atrocity_findings": [{"crime": f["crime"], "state": f["state"]} for f in data.get("atrocity_findings", [])],
        "dossier": {
            "triggers": [
                {"date": t["date"], "title": t["title"], "outcome": t.get("outcome", "")}
                for t in dossier.get("triggers") or []
            ]
        },
        "review": {"state": review.get("state"), "signed_off_on": review.get("signed_off_on")},
    }


def model_inputs_json(data_json: str | bytes) -> str:
    """The model inputs of an assessment's stored JSON, as the JSON text the database keeps beside it."""
    return orjson.dumps(model_inputs(orjson.loads(data_json))).decode()


def _keys(keys: Iterable[str]) -> str:
    keys = list(keys)
    if any(not key or " " in key for key in keys):
        raise ValueError("a rated indicator or risk factor id is empty or holds a space")
    return " ".join(keys)


def _rating_codes(ratings: list) -> str:
    return "".join(LEVEL_CHARS[r.get("level")] + CONFIDENCE_CHARS[r.get("confidence")] for r in ratings)


def arrays_and_facts_from_inputs(
    inputs: Sequence[dict], framework: Framework, facts: Callable[[dict], T]
) -> tuple[RatingArrays, list[T]]:
    """Model inputs -> the arrays the model reads, and `facts(inputs)` of each assessment.

    ValueError, KeyError or TypeError when an input is not in the form `model_inputs` makes.
    """
    indicators, factors = indicator_columns(framework), factor_columns(framework)
    levels, confidences = _levels(
        [i["ratings"] for i in inputs], "indicators", lambda key: indicators.get(key, -1), len(indicators)
    )
    whole_levels, whole_confidences = _levels(
        [i["risk_factor_ratings"] for i in inputs], "risk_factors", lambda key: factors.get(int(key), -1), len(factors)
    )
    ongoing, ended = findings_arrays([[(f["crime"], f["state"]) for f in i["atrocity_findings"]] for i in inputs])
    arrays = RatingArrays(levels, confidences, whole_levels, whole_confidences, ongoing, ended)
    return arrays, [facts(i) for i in inputs]


def _levels(rated: list[dict], keys: str, column_of: Callable[[str], int], width: int) -> tuple[np.ndarray, np.ndarray]:
    """(levels, confidences) of each assessment's rated keys and their two-character codes."""
    columns_of: dict[str, np.ndarray] = {}  # most assessments rate the same keys in the same order: read them once
    columns, counts = [], []
    for item in rated:
        found = columns_of.get(item[keys])
        if found is None:
            found = columns_of[item[keys]] = np.array([column_of(k) for k in item[keys].split(" ") if k], np.int64)
        if len(item["codes"]) != 2 * len(found):
            raise ValueError(f"{len(found)} {keys} rated, {len(item['codes'])} code characters")
        columns.append(found)
        counts.append(len(found))
    pairs = np.frombuffer("".join(item["codes"] for item in rated).encode("ascii"), dtype=np.uint8).reshape(-1, 2)
    level, confidence = _LEVEL_OF_CHAR[pairs[:, 0]], _CONFIDENCE_OF_CHAR[pairs[:, 1]]
    if len(pairs) and (level.min() < 0 or confidence.min() < 0):
        raise ValueError("a rating code is not one of the level or confidence codes")
    column = np.concatenate(columns) if columns else np.empty(0, dtype=np.int64)
    return codes_matrix((column << 5) | (level << 2) | confidence, counts, width)


def arrays_from_inputs(inputs: Sequence[dict], framework: Framework) -> RatingArrays:
    return arrays_and_facts_from_inputs(inputs, framework, lambda _: None)[0]


def arrays_from_stored(data: Sequence[dict], framework: Framework) -> RatingArrays:
    """Assessments as the database stores them (the JSON of a validated `Assessment`, parsed) -> arrays."""
    return arrays_from_inputs([model_inputs(d) for d in data], framework)


def arrays_from_json(texts: Iterable[str | bytes], framework: Framework) -> RatingArrays:
    """Assessments as JSON text, as the database stores them -> arrays."""
    return arrays_from_inputs([model_inputs(orjson.loads(text)) for text in texts], framework)
