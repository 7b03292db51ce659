"""Settings read from the environment: an empty optional variable means its default, a bad number says so."""

import pytest

from config.env import env_int, env_str


def test_an_empty_variable_means_the_default(monkeypatch):
    monkeypatch.setenv("RULEBOOK_TEST_VALUE", "")
    assert env_str("RULEBOOK_TEST_VALUE", "sqlite") == "sqlite"
    monkeypatch.setenv("RULEBOOK_TEST_VALUE", "postgres://x")
    assert env_str("RULEBOOK_TEST_VALUE", "sqlite") == "postgres://x"


def test_a_whole_number_is_read_and_anything_else_named(monkeypatch):
    monkeypatch.setenv("RULEBOOK_TEST_NUMBER", " 7 ")
    assert env_int("RULEBOOK_TEST_NUMBER", 5) == 7
    monkeypatch.delenv("RULEBOOK_TEST_NUMBER")
    assert env_int("RULEBOOK_TEST_NUMBER", 5) == 5
    monkeypatch.setenv("RULEBOOK_TEST_NUMBER", "five")
    with pytest.raises(ValueError, match="RULEBOOK_TEST_NUMBER must be a whole number"):
        env_int("RULEBOOK_TEST_NUMBER", 5)
