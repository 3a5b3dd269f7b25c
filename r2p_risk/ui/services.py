"""What every page needs: settings, the data model, and the database as the signed-in user sees it.

Only immutable or shared-by-design objects are cached here (the framework, the catalogue, the
database engine); nothing about a user or a session is ever cached: `database()` wraps the shared
engine for the user of the calling session at every call.
"""

from __future__ import annotations

import functools
import os

import streamlit as st

from r2p_risk.settings import PREFIX, Settings
from r2p_risk.storage.database import Database, open_database
from r2p_risk.storage.files import (
    Model,
    load_catalogue,
    load_dossier_vocabulary,
    load_model,
    load_regions,
    load_sources,
)
from r2p_risk.storage.user_database import UserDatabase
from r2p_risk.tools import Catalogue
from r2p_risk.ui import identity


def settings() -> Settings:
    """The settings, read from the environment again only when one of its R2P_RISK_ variables changed: reading them
    takes pydantic-settings a few milliseconds, and a script run asks for them a dozen times."""
    return _settings(tuple(sorted((k, v) for k, v in os.environ.items() if k.upper().startswith(PREFIX))))


@functools.lru_cache(maxsize=8)
def _settings(environment: tuple[tuple[str, str], ...]) -> Settings:
    return Settings.from_environment()  # a bad value raises SettingsError, which is not kept: asked again next time


def model() -> Model:
    """The framework and scoring parameters (the loader caches them on the files' modification times)."""
    return load_model(settings().frameworks_dir)


def vocabulary():
    """The labels of dossiers and reviews (frameworks/dossier.yaml)."""
    return load_dossier_vocabulary(settings().frameworks_dir)


def catalogue() -> Catalogue:
    return load_catalogue(settings().frameworks_dir, model().framework)


def regions():
    return load_regions(settings().frameworks_dir)


@st.cache_resource(show_spinner=False)
def _database(url: str) -> Database:
    return open_database(url)


def engine_database() -> Database:
    """The database with no user's view applied: only for signing in (registering users)."""
    return _database(settings().database_url)


def database() -> UserDatabase:
    """The database as the user signed in to this session sees it; their role is enforced by the package."""
    return engine_database().as_user(identity.current_user())


def sources() -> dict[str, str]:
    """The text of each meeting summary the catalogue cites, by meeting id."""
    return load_sources(settings().frameworks_dir, catalogue())


def assessment_label(assessment) -> str:
    """How an assessment is named in pick lists: its date, analyst, draft or final, revision and status in words (an
    empty or thin one says "Not enough assessed", never passing for low risk)."""
    from r2p_risk.scoring import score_assessment

    params = model().params
    status = score_assessment(assessment, model().framework, params).status
    shown = params.status_label(status.label) + (" (provisional)" if status.provisional else "")
    return (
        f"{assessment.assessed_on} · {assessment.analyst} · {assessment.status} · revision {assessment.revision} · "
        f"{shown}"
    )
