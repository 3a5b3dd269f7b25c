"""Where the checkout's files are."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
FRAMEWORKS = ROOT / "frameworks"
EXAMPLES = ROOT / "data" / "examples"
