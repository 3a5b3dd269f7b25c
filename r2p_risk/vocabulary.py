"""How the Framework's four groups of risk factors are shown, in one place: the screens' charts, the briefings'
charts and the Assess screen's chooser all read GROUPS, keyed by the framework's group ids.

A group's label is the label of its crime in the scoring model (frameworks/scoring-model.yaml, `crimes`),
or "Common" for the common risk factors; tests/test_vocabulary.py keeps the two equal. Each group also has
a colour and a fill pattern, so the charts never tell groups apart by colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GroupStyle:
    label: str
    colour: str  # hex RGB
    pattern: str  # plotly's marker pattern shape
    hatch: str  # matplotlib's hatch, the same pattern drawn denser for print


GROUPS: dict[str, GroupStyle] = {
    "common": GroupStyle("Common", "#5b7083", "", ""),
    "genocide": GroupStyle("Genocide", "#8e2c48", "/", "//"),
    "crimes_against_humanity": GroupStyle("Crimes against humanity", "#c2571a", "x", "xx"),
    "war_crimes": GroupStyle("War crimes", "#2f6f8f", ".", ".."),
}
OTHER = GroupStyle("Other", "#777777", "", "")  # a group a later framework edition adds before it gets a style


def group_style(group: str) -> GroupStyle:
    return GROUPS.get(group, OTHER)
