"""The Chinese interface is complete: every interface string has a translation, none is fuzzy, `makemessages`
finds no string the catalog lacks, and the committed .mo (which `make run` serves without compiling) is the .po."""

import re
import shutil

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

CATALOG = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# The strings Django's admin and django-axes leave untranslated, kept by hand.
THIRD_PARTY = settings.BASE_DIR / "locale" / "third_party" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCES = ["config", "operations", "regulations", "search", "templates"]


def entries(catalog):
    return {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in catalog}


def translations(catalog):
    return {
        (entry.msgctxt, entry.msgid): (entry.msgstr, tuple(sorted(entry.msgstr_plural.items()))) for entry in catalog
    }


@pytest.mark.parametrize("path", [CATALOG, THIRD_PARTY], ids=["rulebook", "third party"])
def test_every_interface_string_is_translated_and_none_is_fuzzy(path):
    catalog = polib.pofile(str(path))
    assert len(catalog) > (400 if path == CATALOG else 0)
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    empty_plurals = [entry.msgid for entry in catalog if entry.msgid_plural and not all(entry.msgstr_plural.values())]
    assert (untranslated, fuzzy, empty_plurals) == ([], [], [])
    assert catalog.obsolete_entries() == []


def placeholders(text):
    return re.findall(r"%\(\w+\)[sd]", text)


def test_the_translations_keep_every_placeholder():
    for entry in polib.pofile(str(CATALOG)):
        for translated in [entry.msgstr, *entry.msgstr_plural.values()]:
            if translated:
                assert sorted(placeholders(entry.msgid)) == sorted(placeholders(translated)), entry.msgid


@pytest.mark.parametrize("path", [CATALOG, THIRD_PARTY], ids=["rulebook", "third party"])
def test_the_committed_mo_is_the_po_compiled(path):
    compiled = polib.mofile(str(path.with_suffix(".mo")))
    assert translations(compiled) == translations(polib.pofile(str(path)))


def test_makemessages_finds_no_string_the_catalog_lacks(tmp_path, monkeypatch, settings):
    """(makemessages runs GNU gettext's xgettext: .ci/run installs it.)"""
    for name in SOURCES:
        shutil.copytree(settings.BASE_DIR / name, tmp_path / name)
    shutil.copytree(settings.BASE_DIR / "locale", tmp_path / "locale")
    monkeypatch.chdir(tmp_path)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    call_command("makemessages", locale=["zh_Hans"], no_obsolete=True, verbosity=0)
    extracted = polib.pofile(str(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    assert entries(extracted) == entries(polib.pofile(str(CATALOG)))


def test_no_interface_string_is_marked_inside_an_f_string():
    """xgettext cannot read inside an f-string: a gettext() there is never extracted, so never translated."""
    import io
    import tokenize

    hidden = []
    for name in ("config", "operations", "regulations", "search"):
        for path in (settings.BASE_DIR / name).rglob("*.py"):
            for token in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
                f_string = token.string.lower().startswith(("f", "rf", "fr"))
                if token.type == tokenize.STRING and f_string and "gettext(" in token.string:
                    hidden.append(f"{path.relative_to(settings.BASE_DIR)}:{token.start[0]}")
    assert hidden == []
