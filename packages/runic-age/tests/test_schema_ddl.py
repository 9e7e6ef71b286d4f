"""AGE schema DDL: PostgreSQL indexes on label tables (exact text) and pg_indexes parsing."""

from __future__ import annotations

import pytest

from runic.age.dialect import AGEDialect
from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import UnsupportedFeatureError
from runic.ogm.schema import CreateIndex, DropIndex, IndexSpec

D = AGEDialect()
EXPR = "agtype_access_operator(VARIADIC ARRAY[properties, '\"email\"'::agtype])"


def test_unique_is_a_unique_index_on_the_label_table() -> None:
    ddls = D.compile_schema(CreateIndex(IndexSpec("Person", "email", "UNIQUE")), graph="g")
    assert all(d.language == "sql" for d in ddls)
    assert "ag_catalog.create_vlabel('g', 'Person')" in ddls[0].text
    assert ddls[1].text == (
        f'CREATE UNIQUE INDEX IF NOT EXISTS "runic_uniq_Person_email" ON "g"."Person" ({EXPR})'
    )
    drop = D.compile_schema(DropIndex(IndexSpec("P", "a", "RANGE")), graph="g")
    assert [d.text for d in drop] == ['DROP INDEX IF EXISTS "g"."runic_idx_P_a"']


def test_quotes_in_names_are_escaped() -> None:
    ddls = D.compile_schema(CreateIndex(IndexSpec("P", "it's", "RANGE")), graph='we"ird')
    assert ddls[1].text == (
        'CREATE INDEX IF NOT EXISTS "runic_idx_P_it\'s" ON "we""ird"."P" '
        "(agtype_access_operator(VARIADIC ARRAY[properties, '\"it''s\"'::agtype]))"
    )


def test_fulltext_and_vector_are_unsupported() -> None:
    for kind in ("FULLTEXT", "VECTOR"):
        with pytest.raises(UnsupportedFeatureError, match="age"):
            D.compile_schema(CreateIndex(IndexSpec("Doc", "t", kind, dimension=2)), graph="g")


def test_parsing_pg_indexes() -> None:
    rows = [
        (
            "runic_uniq_Person_email",
            f'CREATE UNIQUE INDEX runic_uniq_Person_email ON g."Person" USING btree ({EXPR})',
            "Person",
            "v",
        ),
        ("other", 'CREATE INDEX other ON g."Person" USING gin (properties)', "Person", "v"),
    ]
    specs = D.parse_indexes([QueryResult(("indexname", "indexdef", "label", "kind"), rows)])
    assert specs == [IndexSpec("Person", "email", "UNIQUE")]
    assert specs[0].name == "runic_uniq_Person_email"
