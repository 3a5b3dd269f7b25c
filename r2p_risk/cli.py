"""The `r2p-risk` command line, over the same functions the app calls.

Bad input exits with status 2 and lists every problem on stderr; never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections import Counter
from pathlib import Path

from r2p_risk.errors import R2PError
from r2p_risk.exporters.spreadsheet import assessment_to_csv
from r2p_risk.recommend import recommend_tools
from r2p_risk.scoring import score_assessment
from r2p_risk.settings import Settings
from r2p_risk.snapshot import Snapshot, blank_snapshot, dump_snapshot
from r2p_risk.storage.files import (
    Model,
    load_model,
    read_snapshot_file,
    verify_catalogue,
)

EXIT_BAD_INPUT = 2


def _print_json(data) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def show_framework(args, model: Model) -> int:
    framework = model.framework
    print(f"{framework.title} ({framework.edition})")
    print(framework.note)
    for group in framework.groups:
        print(f"\n== {group.title}")
        for number in framework.factors_in_group(group.id):
            factor = framework.risk_factor(number)
            gap = "" if factor.indicators_complete else "  [indicator list incomplete: rate as a whole]"
            print(f"\nRisk factor {factor.number}: {factor.title}{gap}")
            for indicator in factor.indicators:
                mark = "" if indicator.wording_check == "checked" else f"  [wording {indicator.wording_check}]"
                print(f"  {indicator.id:>6}  {indicator.text}{mark}")
    return 0


def print_template(args, model: Model) -> int:
    snapshot = blank_snapshot(model.framework, model.params, name=args.name, country=args.country, assessed_on=dt.date.today())
    sys.stdout.write(dump_snapshot(snapshot))
    return 0


def validate_file(args, model: Model) -> int:
    snapshot = read_snapshot_file(Path(args.file), model)
    rated = sum(r.level is not None for r in snapshot.assessment.ratings)
    print(f"{args.file}: valid snapshot of {snapshot.situation.name!r}, {rated} indicators rated")
    return 0


def print_score(args, model: Model) -> int:
    snapshot = read_snapshot_file(Path(args.file), model)
    _print_json(snapshot.profile)
    return 0


def print_csv(args, model: Model) -> int:
    snapshot = read_snapshot_file(Path(args.file), model)
    sys.stdout.buffer.write(assessment_to_csv(snapshot.assessment, model.framework))
    return 0


def print_schema(args, model: Model) -> int:
    _print_json(Snapshot.model_json_schema())
    return 0


def check_catalogue(args, model: Model) -> int:
    catalogue = verify_catalogue(Settings.from_environment().frameworks_dir, model.framework)
    cited = Counter(c.meeting for t in catalogue.tools for c in t.citations)
    spaces = Counter(t.policy_space for t in catalogue.tools)
    print(f"{catalogue.title} {catalogue.version}: {len(catalogue.tools)} tools, every quote found in its summary")
    print("by policy space: " + ", ".join(f"{k} {v}" for k, v in sorted(spaces.items())))
    print("citations by meeting: " + ", ".join(f"{k} {v}" for k, v in sorted(cited.items())))
    return 0


def print_recommendations(args, model: Model) -> int:
    snapshot = read_snapshot_file(Path(args.file), model)
    catalogue = verify_catalogue(Settings.from_environment().frameworks_dir, model.framework)
    profile = score_assessment(snapshot.assessment, model.framework, model.params)
    recommendations = recommend_tools(profile, snapshot.assessment, catalogue)
    _print_json({
        "situation": snapshot.situation.name, "status": profile.status.label,
        "catalogue": {"id": catalogue.id, "version": catalogue.version},
        "recommendations": [r.model_dump(mode="json") for r in recommendations],
    })
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="r2p-risk", description="Atrocity-risk assessment on the UN Framework of Analysis (2014).")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("framework", help="print the risk factors and indicators").set_defaults(run=show_framework)
    template = commands.add_parser("template", help="print a blank snapshot to fill in")
    template.add_argument("--country", help="ISO 3166-1 alpha-3 code, e.g. SDN")
    template.add_argument("--name", default="New situation", help="name of the situation")
    template.set_defaults(run=print_template)
    for name, run, text in (
        ("validate", validate_file, "check a snapshot and report every problem"),
        ("score", print_score, "print the risk profile of a snapshot as JSON"),
        ("csv", print_csv, "write one assessment as CSV (UTF-8 with BOM) to stdout"),
        ("recommend", print_recommendations, "print the response tools that fit a snapshot's risk profile, as JSON"),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("file", help="snapshot JSON file")
        sub.set_defaults(run=run)
    commands.add_parser("schema", help="print the JSON Schema of snapshots").set_defaults(run=print_schema)
    commands.add_parser("catalogue", help="check the response-tool catalogue and its quotes").set_defaults(run=check_catalogue)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        model = load_model(Settings.from_environment().frameworks_dir)
        return args.run(args, model)
    except R2PError as exc:
        print(f"r2p-risk {args.command}: {exc.summary}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        sys.stdout = open(os.devnull, "w")  # the reader (e.g. `head`) left; that is not an error
        return 0


if __name__ == "__main__":
    sys.exit(main())
