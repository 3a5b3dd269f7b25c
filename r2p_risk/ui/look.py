"""How the app looks beyond Streamlit's theme: our own CSS (style.css beside this file), for WCAG 2.1 AA contrast,
a visible focus and the phone layout. Nothing is loaded from outside the machine."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

CSS = Path(__file__).with_name("style.css").read_text(encoding="utf-8")


def apply_style() -> None:
    """Put the CSS on the page, in the sidebar (drawn by every full run, untouched by fragment reruns).

    Not as style-only HTML: Streamlit sends that to its event container, which a fragment's rerun empties (the Assess
    screen lost its styles at the first edit); with an empty element beside it, it is an ordinary element."""
    st.sidebar.html(f"<style>{CSS}</style><span hidden></span>")
