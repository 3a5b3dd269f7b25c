"""`r2p-risk consensus` and `r2p-risk triggers`, run in the test process (helpers.cli), and `r2p-risk csv --dossier`
as a real process, its bytes as a shell's redirection writes them."""

import json
import subprocess
import sys

from helpers import EXAMPLES, ROOT
from helpers.cli import run

ORLAVIA = EXAMPLES / "orlavia-kessan-imminent-risk.json"


def analyst_file(tmp_path, name: str, levels: dict[str, int | None]):
    """The Orlavia example as one analyst's snapshot: their name, some levels changed."""
    data = json.loads(ORLAVIA.read_text(encoding="utf-8"))
    data["assessment"]["analyst"] = name
    for rating in data["assessment"]["ratings"]:
        if rating["indicator"] in levels:
            rating["level"] = levels.pop(rating["indicator"])
    data["assessment"]["ratings"] += [{"indicator": i, "level": level} for i, level in levels.items()]
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_consensus_prints_the_spread_by_indicator_who_diverges_and_each_analysts_scores(tmp_path):
    files = [
        analyst_file(tmp_path, "Ana", {"7.14": 0, "8.2": 0}),
        analyst_file(tmp_path, "Ben", {"7.14": 3, "8.2": 2}),
        analyst_file(tmp_path, "Cai", {"7.14": 3, "8.2": 1}),
    ]
    result = run("consensus", *map(str, files))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["analysts"] == ["Ana", "Ben", "Cai"] and data["situation"].endswith("(fictional)")
    assert data["divergent"] == ["7.14", "8.2"] and data["summary"] == "3 analysts; disagreement on 7.14 and 8.2"
    spread = data["indicators"]["7.14"]
    assert (spread["min"], spread["max"], spread["rated"], spread["levels"], spread["diverging"]) == (
        0,
        3,
        3,
        {"Ana": 0, "Ben": 3, "Cai": 3},
        ["Ana"],
    )
    assert data["indicators"]["9.1"]["divergent"] is False
    assert set(data["scores"]) == {"Ana", "Ben", "Cai"} and {
        "status",
        "overall",
        "overall_range",
        "risk_factors",
    } <= set(data["scores"]["Ana"])
    low, high = data["risk_factors"]["7"]["scores"]["Ben"]["range"]
    assert low <= data["risk_factors"]["7"]["scores"]["Ben"]["score"] <= high


def test_consensus_refuses_one_file_and_files_of_different_situations_in_words(tmp_path):
    one = run("consensus", str(ORLAVIA))
    assert one.returncode == 2 and "at least two analysts" in one.stderr and "Traceback" not in one.stderr
    other = run("consensus", str(ORLAVIA), str(EXAMPLES / "varesia-near-monitoring.json"))
    assert other.returncode == 2 and "2 different situations" in other.stderr


def test_triggers_lists_what_is_ahead_across_the_database_and_what_passed_unanswered(tmp_path):
    from r2p_risk.storage.database import open_database
    from r2p_risk.storage.examples import load_examples
    from r2p_risk.storage.files import load_model

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    database = open_database(url)
    load_examples(database, load_model(ROOT / "frameworks"), "setup")
    database.close()
    env = {"R2P_RISK_DATABASE_URL": url}
    result = run(
        "triggers", "--from", "2026-12-07", "--days", "97", "--json", env=env
    )  # up to the Varesian municipal elections
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["date"], r["when"], r["title"]) for r in rows if not r["to_update"]] == [
        ("2026-12-12", "in 5 days", "Constitutional referendum"),
        ("2026-12-20", "in 13 days", "Deadline of the ceasefire talks"),
        ("2027-01-15", "in 39 days", "End of the rainy season: roads to the north reopen"),
        ("2027-02-03", "in 58 days", "Anniversary of the 1994 Highland uprising"),
        ("2027-03-14", "in 97 days", "Municipal elections"),
    ]
    assert [r for r in rows if r["to_update"]] == []  # the past ones were updated
    later = json.loads(run("triggers", "--from", "2026-12-15", "--days", "5", "--json", env=env).stdout)
    assert [(r["title"], r["to_update"], r["situation"]) for r in later] == [
        ("Deadline of the ceasefire talks", False, "Northern Tamaris (fictional)"),
        ("Constitutional referendum", True, "Kessan Highlands, Federation of Orlavia (fictional)"),
    ]
    text = run("triggers", "--from", "2026-12-15", "--days", "5", env=env)
    assert text.stdout.splitlines() == [
        "1 trigger(s) in the next 5 days:",
        "  2026-12-20  in 5 days     Northern Tamaris (fictional): Deadline of the ceasefire talks  [8.1]",
        "1 past trigger(s) to update (what happened?):",
        (
            "  2026-12-12  3 days ago    Kessan Highlands, Federation of Orlavia (fictional):"
            " Constitutional referendum  [8.8, 8.4]"
        ),
    ]
    assert run("triggers", "--days", "-1", env=env).returncode == 2
    assert run("triggers", "--from", "12/07/2026", env=env).returncode == 2


def test_csv_dossier_writes_the_golden_file():
    result = subprocess.run(
        [sys.executable, "-m", "r2p_risk", "csv", "--dossier", str(ORLAVIA)], capture_output=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout == (ROOT / "tests" / "fixtures" / "dossier-golden.csv").read_bytes()
    assert result.stdout.startswith("\ufeffsection,item,name".encode())
