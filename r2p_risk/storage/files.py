"""Reading the data files under frameworks/ and snapshot files, each turned into validated models.

Loaded data files are cached by path and modification time, so a rerun never re-reads YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

try:  # yaml.safe_load's rules, parsed by libyaml (PyYAML's wheels carry it): 8x faster on the shipped files
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader  # type: ignore[assignment]
from r2p_risk.dossier_vocabulary import DossierVocabulary, parse_dossier_vocabulary
from r2p_risk.errors import FrameworkError, Problem, SnapshotError
from r2p_risk.framework import Framework, parse_framework
from r2p_risk.parameters import ScoringParameters, parse_parameters
from r2p_risk.regions import Region, parse_regions
from r2p_risk.sizes import megabytes
from r2p_risk.snapshot import MAX_SNAPSHOT_BYTES, Snapshot, load_snapshot_text
from r2p_risk.tools import Catalogue, check_quotes, parse_catalogue

FRAMEWORK_FILE = "un-framework-2014.yaml"
PARAMETERS_FILE = "scoring-model.yaml"
_cache: dict[tuple[str, float, int], object] = {}
_catalogues: dict[tuple[str, tuple[tuple[str, float, int], ...]], Catalogue] = {}  # by folder and its files


@dataclass(frozen=True)
class Model:
    """What scoring needs: the framework and the scoring parameters, loaded together."""

    framework: Framework
    params: ScoringParameters


def read_yaml(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FrameworkError([Problem("unreadable_file", str(path), exc.strerror or str(exc))]) from None
    try:
        return yaml.load(text, Loader=SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path.name} > line {mark.line + 1}" if mark else path.name
        raise FrameworkError([Problem("invalid_yaml", where, str(getattr(exc, "problem", exc)))]) from None


def _cached(path: Path, build):
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime, stat.st_size)
    if key not in _cache:
        _cache[key] = build()
    return _cache[key]


def load_framework(path: Path) -> Framework:
    return _cached(path, lambda: parse_framework(read_yaml(path), path.name))


def load_model(frameworks_dir: Path) -> Model:
    """The framework and scoring parameters from a frameworks folder (cached on modification time)."""
    framework = load_framework(frameworks_dir / FRAMEWORK_FILE)
    params_path = frameworks_dir / PARAMETERS_FILE
    params = _cached(params_path, lambda: parse_parameters(read_yaml(params_path), framework, params_path.name))
    return Model(framework=framework, params=params)


def read_snapshot_file(path: Path, model: Model) -> Snapshot:
    """A snapshot file, read no further than a snapshot may be long: a pipe, a device or a growing file alike."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_SNAPSHOT_BYTES + 1)
    except OSError as exc:
        raise SnapshotError([Problem("unreadable_file", str(path), exc.strerror or str(exc))]) from None
    if len(data) > MAX_SNAPSHOT_BYTES:
        raise SnapshotError(
            [
                Problem(
                    "too_large", str(path), f"larger than {megabytes(MAX_SNAPSHOT_BYTES)}, the most a snapshot may have"
                )
            ]
        )
    return load_snapshot_text(data, model.framework, model.params)


REGIONS_FILE = "m49-regions.csv"


def load_regions(frameworks_dir: Path) -> dict[str, Region]:
    path = frameworks_dir / REGIONS_FILE
    return _cached(path, lambda: parse_regions(path.read_text(encoding="utf-8")))


DOSSIER_FILE = "dossier.yaml"


def load_dossier_vocabulary(frameworks_dir: Path) -> DossierVocabulary:
    """The labels of dossiers and reviews (cached on modification time)."""
    path = frameworks_dir / DOSSIER_FILE
    return _cached(path, lambda: parse_dossier_vocabulary(read_yaml(path), path.name))


CATALOGUE_DIR = "response-tools"


def load_catalogue(frameworks_dir: Path, framework: Framework) -> Catalogue:
    """The response-tool catalogue (catalogue.yaml plus every tools-*.yaml), cached on modification times."""
    folder = frameworks_dir / CATALOGUE_DIR
    files = [folder / "catalogue.yaml", *sorted(folder.glob("tools-*.yaml"))]
    key = (str(folder.resolve()), tuple((f.name, f.stat().st_mtime, f.stat().st_size) for f in files))
    if key not in _catalogues:
        header = read_yaml(files[0])
        tool_files = {f.name: read_yaml(f) for f in files[1:]}
        _catalogues[key] = parse_catalogue(header, tool_files, framework)
    return _catalogues[key]


def load_sources(frameworks_dir: Path, catalogue: Catalogue) -> dict[str, str]:
    """The text of each cited meeting summary, by meeting id."""
    return {m.id: (frameworks_dir / m.source_file).read_text(encoding="utf-8") for m in catalogue.meetings}


def verify_catalogue(frameworks_dir: Path, framework: Framework) -> Catalogue:
    """Load the catalogue and check every quote against its source; FrameworkError lists all problems."""
    catalogue = load_catalogue(frameworks_dir, framework)
    problems = check_quotes(catalogue, load_sources(frameworks_dir, catalogue))
    if problems:
        raise FrameworkError(problems, f"{len(problems)} quote(s) not found in the meeting summaries")
    return catalogue
