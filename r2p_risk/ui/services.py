"""What every page needs, created once per server process: settings, the data model, the database.

Only immutable or shared-by-design objects are cached here (the framework, the catalogue, the
database engine); nothing about a user or a session is ever cached.
"""

from __future__ import annotations

import streamlit as st

from r2p_risk.settings import Settings
from r2p_risk.storage.database import Database, open_database
from r2p_risk.storage.files import (
    Model,
    load_catalogue,
    load_model,
    load_regions,
    load_sources,
)
from r2p_risk.tools import Catalogue


def settings() -> Settings:
    return Settings.from_environment()


def model() -> Model:
    """The framework and scoring parameters (the loader caches them on the files' modification times)."""
    return load_model(settings().frameworks_dir)


def catalogue() -> Catalogue:
    return load_catalogue(settings().frameworks_dir, model().framework)


def regions():
    return load_regions(settings().frameworks_dir)


@st.cache_resource(show_spinner=False)
def _database(url: str) -> Database:
    return open_database(url)


def database() -> Database:
    return _database(settings().database_url)


def sources() -> dict[str, str]:
    """The text of each meeting summary the catalogue cites, by meeting id."""
    return load_sources(settings().frameworks_dir, catalogue())
