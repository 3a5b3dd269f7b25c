"""`r2p-risk consensus` and `r2p-risk triggers`: several analysts' snapshots compared, and the triggers ahead."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from r2p_risk.consensus import build_consensus, unique_names
from r2p_risk.errors import Problem, R2PError
from r2p_risk.schedule import triggers_across
from r2p_risk.settings import Settings
from r2p_risk.storage.files import read_snapshot_file


def print_consensus(args, model) -> int:
    """Per indicator (keyed by id) the spread of the analysts' levels, where they diverge by two or more, each one's
    scores."""
    if len(args.files) < 2:
        raise R2PError(
            [Problem("too_few_files", "FILE", "give the snapshots of at least two analysts")], "nothing to compare"
        )
    snapshots = [read_snapshot_file(Path(f), model) for f in args.files]
    situations = {(s.situation.id or s.situation.name) for s in snapshots}
    if len(situations) > 1:
        raise R2PError(
            [
                Problem(
                    "different_situations",
                    "FILE",
                    f"the snapshots describe {len(situations)} different situations; "
                    "compare analysts' assessments of one situation",
                )
            ],
            "nothing to compare",
        )
    names = unique_names([s.assessment.analyst for s in snapshots])
    consensus = build_consensus(
        list(zip(names, (s.assessment for s in snapshots), strict=True)), model.framework, model.params
    )
    dates = sorted({s.assessment.assessed_on.isoformat() for s in snapshots})
    data = {"situation": snapshots[0].situation.name, "assessed_on": dates, **consensus.model_dump(mode="json")}
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return 0


def print_triggers(args, model) -> int:
    """Upcoming triggers across the situations in the database, then those past their date and not updated."""
    from r2p_risk.storage.database import open_database  # here, so other commands start without SQLAlchemy

    if args.days < 0:
        raise R2PError([Problem("bad_value", "--days", "must be 0 or more")], "bad --days")
    database = open_database(Settings.from_environment().database_url)
    try:
        rows = triggers_across(database.situation_histories(), args.start or dt.date.today(), args.days)
    finally:
        database.close()
    if args.json:
        sys.stdout.write(json.dumps([r.model_dump(mode="json") for r in rows], indent=2, ensure_ascii=False) + "\n")
        return 0
    ahead = [r for r in rows if not r.to_update]
    print(f"{len(ahead)} trigger(s) in the next {args.days} days" + (":" if ahead else ""))
    for row in ahead:
        print(_line(row))
    late = [r for r in rows if r.to_update]
    if late:
        print(f"{len(late)} past trigger(s) to update (what happened?):")
        for row in late:
            print(_line(row))
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def _line(row) -> str:
    indicators = f"  [{', '.join(row.indicators)}]" if row.indicators else ""
    return f"  {row.date.isoformat()}  {row.when:<12}  {row.situation}: {row.title}{indicators}"


def add_dossier_commands(commands) -> None:
    consensus = commands.add_parser("consensus", help="compare several analysts' snapshots of one situation, as JSON")
    consensus.add_argument("files", nargs="+", metavar="FILE", help="a snapshot per analyst (at least two)")
    consensus.set_defaults(run=print_consensus)
    triggers = commands.add_parser("triggers", help="list the triggers ahead across the situations in the database")
    triggers.add_argument("--days", type=int, default=90, help="how far ahead, in days (default 90)")
    triggers.add_argument(
        "--from", dest="start", type=_date, metavar="YYYY-MM-DD", help="count from this day (default today)"
    )
    triggers.add_argument("--json", action="store_true", help="print JSON instead of lines")
    triggers.set_defaults(run=print_triggers)
