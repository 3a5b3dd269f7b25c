"""What Streamlit's AppTest costs a test run, made to cost it once."""

import functools


def scan_components_once() -> None:
    """AppTest looks through every installed package for custom components (reading every package's metadata: about
    0.6 s of CPU) each time a test makes one, hundreds of times a run. The packages installed do not change during a
    run, so each test process looks once."""
    from streamlit.components.v2 import manifest_scanner

    manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)
