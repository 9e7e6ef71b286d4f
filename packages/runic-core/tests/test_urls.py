"""Database URLs parsed into driver keywords."""

from __future__ import annotations

import pytest

from runic.ogm.urls import InvalidURLError, parse_url, url_scheme


def test_every_part_becomes_a_keyword() -> None:
    assert parse_url("arcadedb://root:p%40ss@db.example:7687/MyDB", path_key="database") == {
        "host": "db.example",
        "port": 7687,
        "username": "root",
        "password": "p@ss",
        "database": "MyDB",
    }
    assert parse_url("age://u:pw@h:5432/postgres?graph=g", path_key="database") == {
        "host": "h",
        "port": 5432,
        "username": "u",
        "password": "pw",
        "database": "postgres",
        "graph": "g",
    }
    assert parse_url("falkordb:///myapp", path_key="graph") == {"graph": "myapp"}
    assert parse_url("falkordb://", path_key="graph") == {}


def test_schemes() -> None:
    assert url_scheme("falkordb://h/g") == "falkordb"
    assert url_scheme("falkordb") is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("neo4j://h:notaport/db", "cannot parse database URL"),
        ("neo4j://h/a/b", "the path must be one name"),
        ("age://h/db?database=x", "'database' is given twice"),
    ],
)
def test_bad_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(InvalidURLError, match=message):
        parse_url(url, path_key="database")


def test_a_password_is_not_shown_in_errors() -> None:
    with pytest.raises(InvalidURLError) as info:
        parse_url("neo4j://user:secret@h/a/b", path_key="database")
    assert "secret" not in str(info.value) and "user:***@h" in str(info.value)
