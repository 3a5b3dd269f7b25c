"""An edit conflict is a merge: each side's changes kept where they do not touch the same field."""

import pytest
from helpers import make_assessment

from r2p_risk.assessment import Source
from r2p_risk.editing import set_assessment_field, set_indicator_field
from r2p_risk.merge import merge_assessments


@pytest.fixture
def base():
    return make_assessment({"1.1": 1, "1.2": 2, "2.1": 0}, id="a1", revision=3, key_judgements="Tense.")


def test_changes_to_different_fields_are_both_kept(base):
    mine = set_indicator_field(set_indicator_field(base, "1.1", "level", 3), "4.1", "evidence", "Hate radio, March.")
    theirs = set_indicator_field(set_assessment_field(base, "key_judgements", "Worse."), "1.1", "confidence", "high")
    theirs = set_indicator_field(theirs, "2.1", "level", None).model_copy(update={"revision": 4})
    theirs = set_indicator_field(theirs, "2.1", "confidence", None)
    merge = merge_assessments(base, mine, theirs)
    assert not merge.conflicts and not merge.unresolved
    merged = merge.merged
    assert (merged.rating_for("1.1").level, merged.rating_for("1.1").confidence) == (3, "high")
    assert merged.rating_for("4.1").evidence == "Hate radio, March." and merged.key_judgements == "Worse."
    assert merged.rating_for("2.1") is None, "their removal of a rating is kept"
    assert merged.rating_for("1.2").level == 2 and (merged.id, merged.revision) == ("a1", 4)
    assert [c.key for c in merge.mine] == ["indicator:1.1:level", "indicator:4.1:evidence"]
    assert [c.key for c in merge.theirs] == [
        "assessment::key_judgements",
        "indicator:1.1:confidence",
        "indicator:2.1:level",
        "indicator:2.1:confidence",
    ]


def test_the_same_field_changed_differently_asks_and_the_choice_decides(base):
    mine = set_indicator_field(set_indicator_field(base, "1.2", "level", 3), "1.2", "sources", [Source(title="Mine")])
    theirs = set_indicator_field(set_indicator_field(base, "1.2", "level", 1), "1.2", "sources", [Source(title="Mine")])
    merge = merge_assessments(base, mine, theirs)
    assert [c.key for c in merge.conflicts] == ["indicator:1.2:level"] and merge.unresolved and merge.merged is None
    assert [c.key for c in merge.both_alike] == ["indicator:1.2:sources"]
    assert merge_assessments(base, mine, theirs, {"indicator:1.2:level": "mine"}).merged.rating_for("1.2").level == 3
    assert merge_assessments(base, mine, theirs, {"indicator:1.2:level": "theirs"}).merged.rating_for("1.2").level == 1


def test_nothing_changed_on_either_side_merges_to_the_base(base):
    merge = merge_assessments(base, base, base)
    assert merge.merged == base and not (merge.mine or merge.theirs or merge.conflicts)
