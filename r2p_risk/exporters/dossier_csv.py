"""The dossier as CSV for spreadsheets: one row per item of every section, the same cells rules as the ratings' CSV."""

from __future__ import annotations

from r2p_risk.dossier import Dossier
from r2p_risk.exporters.spreadsheet import write_csv

DOSSIER_COLUMNS = [
    "section",
    "item",
    "name",
    "kind",
    "kind_label",
    "role",
    "date",
    "where",
    "size",
    "indicators",
    "text",
    "outcome",
    "sources",
]


def _row(section: str, item: int, **cells) -> list[object]:
    return [section, item, *(cells.get(column, "") for column in DOSSIER_COLUMNS[2:])]


def dossier_to_csv(dossier: Dossier, vocabulary) -> bytes:
    """Populations at risk, perpetrators and enablers, triggers (by date), scenarios, developments, narrative
    sections."""
    rows = []
    for n, p in enumerate(dossier.populations_at_risk, 1):
        rows.append(
            _row(
                "populations_at_risk",
                n,
                name=p.name,
                kind=p.identity,
                kind_label=vocabulary.label("identities", p.identity),
                where=p.where or "",
                size=p.size or "",
                indicators=", ".join(p.indicators),
                text=p.notes,
            )
        )
    for n, actor in enumerate(dossier.perpetrators, 1):
        facts = (("Capacity", actor.capacity), ("Known intent", actor.intent), ("Notes", actor.notes))
        text = "\n".join(f"{label}: {value}" for label, value in facts if value)
        rows.append(
            _row(
                "perpetrators",
                n,
                name=actor.name,
                kind=actor.kind,
                kind_label=vocabulary.label("perpetrator_kinds", actor.kind),
                role=actor.role,
                indicators=", ".join(actor.indicators),
                text=text,
                sources="; ".join(actor.sources),
            )
        )
    for n, t in enumerate(sorted(dossier.triggers, key=lambda t: t.date), 1):
        rows.append(
            _row(
                "triggers",
                n,
                name=t.title,
                date=t.date.isoformat(),
                indicators=", ".join(t.indicators),
                text=t.notes,
                outcome=t.outcome,
            )
        )
    for n, s in enumerate(dossier.scenarios, 1):
        rows.append(
            _row("scenarios", n, kind=s.kind, kind_label=vocabulary.label("scenario_kinds", s.kind), text=s.text)
        )
    for n, d in enumerate(dossier.developments_to_monitor, 1):
        rows.append(_row("developments_to_monitor", n, indicators=", ".join(d.indicators), text=d.text))
    for n, (section, label) in enumerate(vocabulary.labels("narrative_sections").items(), 1):
        text = getattr(dossier.narrative, section)
        if text:
            rows.append(_row("narrative", n, kind=section, kind_label=label, text=text))
    return write_csv(DOSSIER_COLUMNS, rows)
