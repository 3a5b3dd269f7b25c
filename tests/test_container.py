"""The container recipe, read rather than built (these machines have no Docker daemon): .dockerignore
keeps secrets, databases, virtual environments and .git out of the build context, by Docker's own
matching rules (the Docker SDK's implementation); the Dockerfile is multi-stage, runs as a user who
is not root, checks the app's health and ships runtime dependencies only; compose builds it and
checks health too; every r2p-risk command the deploy guide shows is one the command line accepts."""

import re
import shlex
import subprocess

import pytest
import yaml
from docker.utils.build import exclude_paths
from helpers import ROOT

from r2p_risk.cli import build_parser

pytestmark = pytest.mark.static

SECRETS_AND_DATA = [
    ".env",
    ".env.production",
    "deploy/.env",
    ".streamlit/secrets.toml",
    "r2p_risk/.env",
    "frameworks/secrets.toml",
    "data/r2p-risk.sqlite3",
    "data/r2p-risk.sqlite3-wal",
    "data/r2p-risk.sqlite3-shm",
    "data/examples/copy.sqlite3",
    "data/team.db",
    "backups/2026-05-01.zip",
    "data/examples/2026-05-01.zip",
    ".venv/bin/python",
    ".venv/lib/python3.11/site-packages/pytest/__init__.py",
    ".venv-3.13/pyvenv.cfg",
    ".git",
    ".git/config",
    "r2p_risk/__pycache__/cli.cpython-311.pyc",
]


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments left out."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in joined.splitlines() if line.strip()]


DOCKERFILE = instructions((ROOT / "Dockerfile").read_text(encoding="utf-8"))
STAGES: list[list[tuple[str, str]]] = []
for instruction in DOCKERFILE:
    if instruction[0] == "FROM":
        STAGES.append([])
    if STAGES:
        STAGES[-1].append(instruction)


def context_sources() -> list[str]:
    """What the Dockerfile copies from the build context (COPY without --from)."""
    sources = []
    for name, arguments in DOCKERFILE:
        if name == "COPY" and "--from=" not in arguments:
            sources += arguments.split()[:-1]
    return sources


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    """A copy of the checkout's tracked files (empty) plus secrets and databases, and what of it Docker would send."""
    root = tmp_path_factory.mktemp("context")
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in [*tracked, *SECRETS_AND_DATA]:
        if name == ".git":
            continue
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).touch()
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    sent = {path for path in exclude_paths(str(root), patterns, dockerfile="Dockerfile") if (root / path).is_file()}
    return tracked, sent


def test_secrets_databases_virtual_environments_and_git_stay_out_of_the_build_context(context):
    _, sent = context
    leaked = {name for name in SECRETS_AND_DATA if name in sent or any(path.startswith(f"{name}/") for path in sent)}
    assert not leaked


def test_the_build_context_holds_what_the_dockerfile_copies_and_nothing_else(context):
    tracked, sent = context
    sources = context_sources()
    copied = {
        name for name in tracked if any(name == s.rstrip("/") or name.startswith(s.rstrip("/") + "/") for s in sources)
    }
    assert {
        "pyproject.toml",
        "requirements.txt",
        "app.py",
        ".streamlit/config.toml",
        "r2p_risk/cli.py",
        "frameworks/un-framework-2014.yaml",
        "data/examples/varesia-near-monitoring.json",
    } <= copied
    assert copied <= sent, f"copied by the Dockerfile but ignored: {sorted(copied - sent)}"
    always = {"Dockerfile", ".dockerignore"}  # Docker reads these two itself
    assert sent - copied <= always, f"sent to Docker but never copied: {sorted(sent - copied - always)}"


def test_the_image_has_two_stages_and_the_final_one_gets_only_the_built_environment():
    assert len(STAGES) == 2
    final = STAGES[-1]
    copies = [arguments for name, arguments in final if name == "COPY"]
    assert copies == ["--from=build /opt/r2p-risk /opt/r2p-risk"]
    assert not [arguments for name, arguments in final if name == "RUN" and "pip" in arguments]
    build_runs = " ".join(arguments for name, arguments in STAGES[0] if name == "RUN")
    assert (
        "--require-hashes -r requirements.txt" in build_runs
        and "--require-hashes -r requirements-build.txt" in build_runs
    )
    assert "requirements-dev.txt" not in (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "." not in context_sources()


def test_the_app_runs_as_a_user_who_is_not_root():
    users = [arguments for name, arguments in STAGES[-1] if name == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert "useradd --system --uid 10001" in " ".join(arguments for name, arguments in STAGES[-1] if name == "RUN")


def test_the_image_checks_the_apps_health_endpoint_and_starts_the_installed_app():
    checks = [arguments for name, arguments in STAGES[-1] if name == "HEALTHCHECK"]
    assert len(checks) == 1 and "http://127.0.0.1:8501/_stcore/health" in checks[0]
    command = yaml.safe_load([arguments for name, arguments in STAGES[-1] if name == "CMD"][-1])  # a JSON array
    assert command[:2] == ["r2p-risk", "app"] and "--server.port=8501" in command
    args, streamlit_options = build_parser().parse_known_args(command[1:])
    assert args.command == "app" and streamlit_options == command[2:]


def test_compose_builds_the_dockerfile_and_checks_the_apps_health():
    app = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))["services"]["app"]
    assert app["build"] == {"context": ".", "dockerfile": "Dockerfile"}
    assert "/_stcore/health" in " ".join(app["healthcheck"]["test"])
    assert "/backups" in " ".join(app["volumes"]) and "/backups" in (ROOT / "Dockerfile").read_text(encoding="utf-8")


def deploy_guide_commands() -> list[list[str]]:
    """Every `r2p-risk ...` line in the shell blocks of docs/deploy.md, from `r2p-risk` on, comments left out."""
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            words = shlex.split(re.sub(r"\$\([^)]*\)", "2026-05-01", line), comments=True)  # $(date +%F)
            if "r2p-risk" in words:
                commands.append(words[words.index("r2p-risk") + 1 :])
    return commands


def test_every_r2p_risk_command_of_the_deploy_guide_is_one_the_command_line_accepts():
    commands = deploy_guide_commands()
    assert len(commands) >= 7
    for words in commands:
        args = build_parser().parse_args(words)  # exits (fails the test) on a command the CLI does not know
        assert args.command == words[0]
