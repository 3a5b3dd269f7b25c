"""The shipped examples: fictional, labelled as such, and spanning monitoring to current crisis."""

import pytest
from helpers import EXAMPLES

from r2p_risk.storage.files import read_snapshot_file

EXPECTED = {
    "varesia-near-monitoring.json": "monitoring",
    "orlavia-kessan-imminent-risk.json": "imminent_risk",
    "tamaris-north-current-crisis.json": "current_crisis",
    # earlier assessments of the same situations, for trends and "what changed"
    "varesia-near-monitoring-2026-06.json": "monitoring",
    "orlavia-kessan-imminent-risk-2026-04.json": "serious_concern",
    "orlavia-kessan-imminent-risk-2026-07.json": "imminent_risk",
    "tamaris-north-current-crisis-2026-05.json": "current_crisis",
    "tamaris-north-current-crisis-2026-08.json": "current_crisis",
}


@pytest.mark.parametrize(("name", "status"), EXPECTED.items())
def test_example_is_valid_and_has_its_status(model, name, status):
    snapshot = read_snapshot_file(EXAMPLES / name, model)
    assert snapshot.profile["status"]["label"] == status


@pytest.mark.parametrize("name", EXPECTED)
def test_example_is_clearly_fictional_and_has_evidence(model, name):
    snapshot = read_snapshot_file(EXAMPLES / name, model)
    assert "(fictional)" in snapshot.situation.name and "fictional" in snapshot.situation.tags
    assert snapshot.situation.country is None, "no invented scores on real countries"
    assert "FICTIONAL EXAMPLE" in snapshot.assessment.key_judgements
    assert any(r.evidence and r.sources for r in snapshot.assessment.ratings)


def test_every_example_is_listed_here():
    assert sorted(p.name for p in EXAMPLES.glob("*.json")) == sorted(EXPECTED)
