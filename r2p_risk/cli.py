"""The `r2p-risk` command line, over the same functions the app calls.

Bad input exits with status 2 and lists every problem on stderr; never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from r2p_risk.access import ROLES
from r2p_risk.cli_dossier import add_dossier_commands
from r2p_risk.errors import Problem, R2PError
from r2p_risk.exporters.spreadsheet import assessment_to_csv
from r2p_risk.logs import configure_logging
from r2p_risk.recommend import recommend_tools
from r2p_risk.report import Briefing, briefing_for
from r2p_risk.scoring import score_assessment
from r2p_risk.settings import Settings
from r2p_risk.snapshot import Snapshot, blank_snapshot, dump_snapshot
from r2p_risk.storage.files import (
    Model,
    load_dossier_vocabulary,
    load_model,
    read_snapshot_file,
    verify_catalogue,
)

if TYPE_CHECKING:
    from r2p_risk.brief import Brief

EXIT_BAD_INPUT = 2
# suffix -> exporter module and function; imported when used, so other commands start without matplotlib or fpdf
BRIEFING_FORMATS = {
    ".pdf": ("pdf", "briefing_to_pdf"),
    ".docx": ("word", "briefing_to_docx"),
    ".md": ("markdown", "briefing_to_markdown"),
}
BRIEF_FORMATS = {
    ".pdf": ("one_page", "brief_to_pdf"),
    ".docx": ("one_page", "brief_to_docx"),
    ".md": ("one_page", "brief_to_markdown"),
}


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
            gap = (
                ""
                if factor.indicators_complete
                else (
                    f"  [indicator list incomplete: {len(factor.indicators)} listed, coverage counted against "
                    f"{framework.counted_indicators(number):g}; rate as a whole]"
                )
            )
            print(f"\nRisk factor {factor.number}: {factor.title}{gap}")
            for indicator in factor.indicators:
                mark = "" if indicator.wording_check == "checked" else f"  [wording {indicator.wording_check}]"
                mark += "  [conduct]" if indicator.conduct else ""
                mark += f" ({indicator.wording_note})" if indicator.wording_note else ""
                print(f"  {indicator.id:>6}  {indicator.text}{mark}")
    listed = len(framework.indicator_ids)
    print(
        f"\n{listed} of the Framework's {framework.official_indicator_count} official indicators are listed here; "
        "indicator texts are r2p-risk's paraphrases, numbering and titles are the Framework's."
    )
    return 0


def print_template(args, model: Model) -> int:
    snapshot = blank_snapshot(
        model.framework, model.params, name=args.name, country=args.country, assessed_on=dt.date.today()
    )
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
    if args.dossier:
        from r2p_risk.exporters.dossier_csv import dossier_to_csv

        vocabulary = load_dossier_vocabulary(Settings.from_environment().frameworks_dir)
        sys.stdout.buffer.write(dossier_to_csv(snapshot.assessment.dossier, vocabulary))
        return 0
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
    recommendations = recommend_tools(profile, snapshot.assessment, catalogue, model.framework, model.params)
    _print_json(
        {
            "situation": snapshot.situation.name,
            "status": profile.status.label,
            "catalogue": {"id": catalogue.id, "version": catalogue.version},
            "stage": recommendations.judgement.model_dump(mode="json"),
            "recommendations": [r.model_dump(mode="json") for r in recommendations.tools],
            "if_the_situation_escalates": [e.model_dump(mode="json") for e in recommendations.if_escalates],
        }
    )
    return 0


def _renderer(output: Path, formats: dict, what: str):
    if output.suffix.lower() not in formats:
        raise R2PError([Problem("unknown_format", "-o", f"{output.name}: the {what} is written as .pdf, .docx or .md")])
    module, function = formats[output.suffix.lower()]
    return getattr(importlib.import_module(f"r2p_risk.exporters.{module}"), function)


def write_briefing(args, model: Model) -> int:
    """The full briefing (`briefing`) or the one-page brief (`brief`) on a snapshot."""
    from r2p_risk.exports import check_marking

    marking = check_marking(args.marking)
    output = Path(args.output)
    one_page = args.command == "brief"
    render = _renderer(output, BRIEF_FORMATS if one_page else BRIEFING_FORMATS, "brief" if one_page else "briefing")
    snapshot = read_snapshot_file(Path(args.file), model)
    earlier = [read_snapshot_file(Path(f), model).assessment for f in args.earlier]
    catalogue = verify_catalogue(Settings.from_environment().frameworks_dir, model.framework)
    vocabulary = load_dossier_vocabulary(Settings.from_environment().frameworks_dir)
    if one_page:
        from r2p_risk.brief import brief_for  # here, so other commands start without it

        make: Callable[..., Brief | Briefing] = brief_for
    else:
        make = briefing_for
    document = make(
        snapshot.situation,
        snapshot.assessment,
        earlier,
        model.framework,
        model.params,
        catalogue,
        marking,
        dt.datetime.now(dt.UTC),
        author=args.author,
        vocabulary=vocabulary,
    )
    _write_file(output, render(document), f"could not write the {args.command}")
    print(f"{output}: {args.command} on {snapshot.situation.name!r}, {document.status}, marked {args.marking!r}")
    return 0


def _write_file(output: Path, data: bytes, summary: str) -> None:
    """Write `data` to `output`, whole or not at all; an unwritable place is a problem, not a traceback."""
    partial = output.with_name(output.name + ".partial")
    try:
        partial.write_bytes(data)
        partial.replace(output)
    except OSError as error:
        if partial.parent.is_dir():
            partial.unlink(missing_ok=True)
        raise R2PError([Problem("unwritable_file", str(output), error.strerror or str(error))], summary) from None


def export_bundle(args, model: Model) -> int:
    from r2p_risk.exporters.bundle import read_manifest  # here, so other commands start without SQLAlchemy
    from r2p_risk.storage.database import open_database
    from r2p_risk.storage.transfer import export_all

    database = open_database(Settings.from_environment().database_url)
    try:
        data = export_all(database, model, None if args.all else args.situation, actor=_command_actor())
    finally:
        database.close()
    output = Path(args.output)
    _write_file(output, data, "could not write the bundle")
    counts = read_manifest(data)["counts"]
    print(
        f"{output}: {counts['situations']} situation(s), {counts['assessments']} assessment(s), "
        f"{counts['revisions']} revision(s) from {database.url}"
    )
    return 0


def import_bundles(args, model: Model) -> int:
    from r2p_risk.storage.database import open_database  # here, so other commands start without SQLAlchemy
    from r2p_risk.storage.transfer import apply_import, plan_import, read_import_paths

    files = read_import_paths(args.files, model, Settings.from_environment().sizes)
    database = open_database(Settings.from_environment().database_url)
    try:
        plan = plan_import(database, files)
        _print_plan(plan)
        if args.dry_run:
            print("dry run: nothing was stored")
            report = None
        elif plan.rejected and not args.skip_invalid:
            print(
                "nothing was imported because of the rejected snapshot(s) above; "
                "fix them, or give --skip-invalid to import the valid ones"
            )
            report = None
        else:
            report = apply_import(database, plan, args.actor, skip_invalid=args.skip_invalid)
            print(
                f"imported {len(report.imported)} snapshot(s) into {database.url}; "
                f"{plan.count('identical')} identical skipped, "
                f"{len(report.not_imported) - plan.count('identical')} not imported"
            )
    finally:
        database.close()
    return _print_import_problems(plan, report)


def _print_plan(plan) -> None:
    current = None
    for entry in plan.entries:
        if entry.file != current:
            current = entry.file
            print(current)
        print(f"  {entry.action.replace('_', ' '):<15} {entry.member + ': ' if entry.member else ''}{entry.message}")
    print(
        f"plan: {plan.count('new_situation')} new situation(s), {plan.count('new_assessment')} new assessment(s), "
        f"{plan.count('new_revision')} new revision(s), {plan.count('identical')} identical (skipped), "
        f"{plan.count('rejected')} rejected"
    )


def _print_import_problems(plan, report) -> int:
    """Rejected snapshots and a failed save to stderr, exiting 2; 0 when there were none."""
    failures = [(entry.source, "rejected", entry.problems) for entry in plan.rejected]
    if report is not None and report.failed is not None:
        failures.append((report.failed.entry.source, "could not be stored", report.failed.problems))
    for source, what, problems in failures:
        print(f"r2p-risk import: {source}: {what}", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
    return EXIT_BAD_INPUT if failures else 0


def _add_transfer_commands(commands) -> None:
    export = commands.add_parser("export", help="write every revision of the saved assessments to a ZIP bundle")
    chosen = export.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--all", action="store_true", help="every situation not deleted")
    chosen.add_argument("--situation", action="append", metavar="ID", help="a situation id (repeatable)")
    export.add_argument("-o", "--output", required=True, help="output file, e.g. bundle.zip")
    export.set_defaults(run=export_bundle)
    load = commands.add_parser(
        "import", help="import snapshots (.json) and bundles (.zip) into the database, appending revisions"
    )
    load.add_argument("files", nargs="+", metavar="FILE", help="a .json snapshot or a .zip bundle")
    load.add_argument("--dry-run", action="store_true", help="only print what would be imported")
    load.add_argument(
        "--skip-invalid", action="store_true", help="import the valid snapshots even if some were rejected"
    )
    load.add_argument(
        "--actor", default="r2p-risk import", help='name recorded as who saved (default "r2p-risk import")'
    )
    load.set_defaults(run=import_bundles)


def _open_configured_database():
    from r2p_risk.storage.database import open_database  # here, so other commands start without SQLAlchemy

    return open_database(Settings.from_environment().database_url)


def _command_actor() -> str:
    """Who ran the command, for the audit trail: cli:<login name>."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name, e.g. in a container without a passwd entry
        return "cli"


def manage_users(args, model: Model) -> int:
    database = _open_configured_database()
    try:
        if args.action == "list":
            for user in database.list_users():
                state = "disabled" if user.disabled else "enabled"
                print("\t".join([user.identity, user.role, state, user.name, ",".join(user.groups)]))
        elif args.action == "set-role":
            user = database.set_role(args.identity, args.role, _command_actor())
            print(f"{user.identity}: {user.role}")
        else:
            user = database.disable_user(args.identity, _command_actor(), disabled=args.action == "disable")
            print(f"{user.identity}: {'disabled' if user.disabled else 'enabled'}")
    finally:
        database.close()
    return 0


def write_backup(args, model: Model) -> int:
    from r2p_risk.storage.backup import backup_database

    database = _open_configured_database()
    try:
        counts = backup_database(database, Path(args.output), _command_actor())
    finally:
        database.close()
    print(f"{args.output}: backup of {database.url}: " + ", ".join(f"{table} {n}" for table, n in counts.items()))
    return 0


def restore_backup(args, model: Model) -> int:
    from r2p_risk.storage.backup import restore_database

    database = _open_configured_database()
    try:
        counts = restore_database(
            database, Path(args.file), _command_actor(), force=args.force, sizes=Settings.from_environment().sizes
        )
    finally:
        database.close()
    print(f"restored {args.file} into {database.url}: " + ", ".join(f"{table} {n}" for table, n in counts.items()))
    return 0


def _add_team_commands(commands) -> None:
    users = commands.add_parser("users", help="list the users of a team deployment, set their role, disable them")
    actions = users.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every user: identity, role, enabled or disabled, name, groups (tab-separated)")
    role = actions.add_parser("set-role", help="give a user a role (adds the user if they have not signed in yet)")
    role.add_argument("identity", help="e-mail or user name as the identity provider reports it")
    role.add_argument("role", choices=ROLES)
    for action, text in (("disable", "stop a user from doing anything"), ("enable", "let a disabled user in again")):
        actions.add_parser(action, help=text).add_argument("identity", help="e-mail or user name")
    users.set_defaults(run=manage_users)
    backup = commands.add_parser(
        "backup", help="write a consistent copy of the database (SQLite file, or portable .zip)"
    )
    backup.add_argument(
        "-o",
        "--output",
        required=True,
        help="output file: *.zip (portable, any database) or, for SQLite, a .sqlite3 copy",
    )
    backup.set_defaults(run=write_backup)
    restore = commands.add_parser("restore", help="restore a backup into the (empty) database")
    restore.add_argument("file", help="a file made by r2p-risk backup")
    restore.add_argument(
        "--force", action="store_true", help="replace everything in a database that already holds data"
    )
    restore.set_defaults(run=restore_backup)


def start_app(args, model: Model) -> int:
    """The app's launcher (r2p_risk/ui/serve.py): it warms the imports and caches the screens need, then runs
    `streamlit run` on the app script (the checkout's, or the copy an installed wheel carries) in its process."""
    command = [sys.executable, "-m", "r2p_risk.ui.serve", *args.streamlit_options]
    sys.stdout.flush()
    # the server replaces this process, so it gets Ctrl-C and `docker stop` itself; no shell, no user input
    os.execv(sys.executable, command)  # noqa: S606
    return 0  # not reached


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="r2p-risk", description="Atrocity-risk assessment on the UN Framework of Analysis (2014)."
    )
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
        if name == "csv":
            sub.add_argument(
                "--dossier", action="store_true", help="write the assessment's dossier instead of its ratings"
            )
    commands.add_parser("schema", help="print the JSON Schema of snapshots").set_defaults(run=print_schema)
    for name, text in (
        ("briefing", "write a Focal Point's full briefing on a snapshot as PDF, Word or Markdown"),
        ("brief", "write the one-page brief on a snapshot (one A4 page) as PDF, Word or Markdown"),
    ):
        document = commands.add_parser(name, help=text)
        document.add_argument("file", help="snapshot JSON file")
        document.add_argument("-o", "--output", required=True, help="output file: .pdf, .docx or .md")
        document.add_argument(
            "--marking", default="Restricted", help='handling marking printed on every page (default "Restricted")'
        )
        document.add_argument(
            "--earlier",
            action="append",
            default=[],
            metavar="FILE",
            help="an earlier snapshot of the same situation, for what changed (repeatable)",
        )
        document.add_argument(
            "--author",
            action="store_true",
            help="print the analyst's name recorded in the assessment (left out unless asked for)",
        )
        document.set_defaults(run=write_briefing)
    commands.add_parser("catalogue", help="check the response-tool catalogue and its quotes").set_defaults(
        run=check_catalogue
    )
    _add_transfer_commands(commands)
    _add_team_commands(commands)
    add_dossier_commands(commands)
    commands.add_parser(
        "app", help="start the app (further options go to streamlit, e.g. --server.port 8600)"
    ).set_defaults(run=start_app)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)  # only `app` takes options of its own: streamlit's
    if unknown and args.command != "app":
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    args.streamlit_options = unknown
    try:
        settings = Settings.from_environment()
        configure_logging(settings.log_level)
        model = load_model(settings.frameworks_dir)
        return args.run(args, model)
    except R2PError as exc:
        print(f"r2p-risk {args.command}: {exc.summary}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # the reader (e.g. `head`) left; that is not an error. Open until the process ends, as stdout was.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0


if __name__ == "__main__":
    sys.exit(main())
