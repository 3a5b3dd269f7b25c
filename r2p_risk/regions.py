"""UN M49 regions of countries, from the vendored frameworks/m49-regions.csv (no network)."""

from __future__ import annotations

import csv
import io

from r2p_risk.models import StrictModel


class Region(StrictModel):
    iso3: str
    m49_code: str
    region: str
    sub_region: str


def parse_regions(text: str) -> dict[str, Region]:
    """CSV text with columns iso3, m49_code, region, sub_region -> regions by ISO3 code."""
    return {row["iso3"]: Region(**row) for row in csv.DictReader(io.StringIO(text))}
