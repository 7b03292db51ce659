"""A provision's full number wherever it appears outside its own document's outline."""

import re

import pytest

from regulations.models import Provision
from regulations.models.numbering import long_reference, short_reference

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("eid", "num", "short", "long"),
    [
        ("part_2__sec_7__item_2", "2.", "2.7.2", "Part 2, section (7), item 2"),
        ("part_2__sec_7", "（七）", "2.7", "Part 2, section (7)"),
        ("part_2", "二、", "Part 2", "Part 2"),
        ("chp_3__art_12", "第十二条", "Art. 12", "Article 12"),
        ("art_5", "第五条", "Art. 5", "Article 5"),
        ("chp_2", "第二章", "Chapter 2", "Chapter 2"),
        ("sec_3", "3", "Section 3", "section 3"),
        ("sec_1", "Annex XII", "Annex XII", "Annex XII"),
        ("part_3__sec_4__box_4__item_3", "3.", "3.4, box 4, item 3", "Part 3, section (4), box 4, item 3"),
        ("preamble", "", "preamble", "preamble"),
    ],
)
def test_the_full_number_is_read_from_the_identifier(eid, num, short, long):
    assert short_reference(eid, num) == short
    assert long_reference(eid, num) == long


def test_the_iron_and_steel_page_shows_full_numbers_not_leaf_numbers(client):
    html = client.get("/industries/steel/").content.decode()
    numbers = re.findall(r'<span class="num">([^<]*)</span>', html)
    assert "3.10.1" in numbers, numbers
    assert not [number for number in numbers if re.fullmatch(r"\d+\.", number)], numbers


def test_a_targets_source_is_its_document_and_full_number(client):
    html = client.get("/targets/").content.decode()
    assert re.search(r"Industrial Carbon Peaking Plan <span class=\"num\">\d+\.\d+(\.\d+)?</span>", html)
    assert 'Industrial Carbon Peaking Plan <span class="num">1.</span>' not in html


def test_the_admin_names_a_provision_by_its_full_number():
    item = Provision.objects.get(document__slug="industrial-carbon-peaking-2022", eid="part_2__sec_7__item_2")
    assert str(item) == "Industrial Carbon Peaking Plan 2.7.2: Strengthen recycling of renewable (secondary) resources"
