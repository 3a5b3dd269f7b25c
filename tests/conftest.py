import datetime as dt
from pathlib import Path

import pytest

from r2p_risk.assessment import Assessment
from r2p_risk.storage.files import load_model

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ROOT / "frameworks"
EXAMPLES = ROOT / "data" / "examples"


@pytest.fixture(scope="session")
def model():
    return load_model(FRAMEWORKS)


@pytest.fixture(scope="session")
def framework(model):
    return model.framework


@pytest.fixture(scope="session")
def params(model):
    return model.params


def make_assessment(levels: dict[str, int | None] | None = None, whole: dict[int, int | None] | None = None, **fields) -> Assessment:
    """An assessment rating the given indicators (id -> level) and risk factors as a whole."""
    ratings = [{"indicator": i, "level": level, "confidence": "medium"} for i, level in (levels or {}).items()]
    wholes = [{"risk_factor": n, "level": level, "confidence": "medium"} for n, level in (whole or {}).items()]
    return Assessment(assessed_on=fields.pop("assessed_on", dt.date(2026, 1, 15)), analyst=fields.pop("analyst", "Test Analyst"),
                      ratings=ratings, risk_factor_ratings=wholes, **fields)
