"""The vendored M49 region table covers the ISO countries and names only M49 regions."""

import pycountry
from helpers import FRAMEWORKS

from r2p_risk.storage.files import load_regions

M49_REGIONS = {"Africa", "Americas", "Asia", "Europe", "Oceania"}


def test_every_country_but_antarctica_has_an_m49_region():
    regions = load_regions(FRAMEWORKS)
    iso3 = {c.alpha_3 for c in pycountry.countries}
    assert set(regions) == iso3 - {"ATA"}
    assert {r.region for r in regions.values()} == M49_REGIONS


def test_known_countries_fall_in_their_regions():
    regions = load_regions(FRAMEWORKS)
    assert (regions["SDN"].region, regions["SDN"].sub_region) == ("Africa", "Northern Africa")
    assert regions["MMR"].sub_region == "South-eastern Asia"
    assert regions["VEN"].region == "Americas"
