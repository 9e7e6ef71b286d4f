"""The read IR the session's own statements use, rendered by the reference dialect."""

from __future__ import annotations

from runic.ogm.dialect import CypherDialect
from runic.ogm.query.ir import (
    Aggregate,
    CompareOp,
    Comparison,
    IdRef,
    MatchId,
    MatchKey,
    MatchNode,
    NodePattern,
    OrderItem,
    Param,
    Projection,
    PropRef,
    Query,
    ReturnClause,
    Unwind,
    VarRef,
    WithClause,
    rename_alias,
)


def _ret(*aliases: str) -> ReturnClause:
    return ReturnClause(tuple(Projection(VarRef(a), a) for a in aliases))


def test_match_key_with_a_named_parameter() -> None:
    query = Query((MatchKey(NodePattern("n", ("A", "B")), "key", Param(5, name="pk")),), _ret("n"))
    compiled = CypherDialect().compile(query)
    assert compiled.cypher == "MATCH (n:`A`:`B`) WHERE n.`key` = $pk RETURN n"
    assert compiled.params == {"pk": 5}


def test_unwind_and_match_by_id_of_a_variable() -> None:
    clauses = (Unwind(Param([1, 2], name="ids"), "i"), MatchId(NodePattern("n", ()), VarRef("i")))
    compiled = CypherDialect().compile(Query(clauses, _ret("n")))
    assert compiled.cypher == "UNWIND $ids AS i MATCH (n) WHERE id(n) = i RETURN n"
    assert compiled.params == {"ids": [1, 2]}


def test_match_by_id_of_a_parameter() -> None:
    query = Query((MatchId(NodePattern("n", ("A",)), Param(3)),), _ret("n"))
    assert CypherDialect().compile(query).cypher == "MATCH (n:`A`) WHERE id(n) = $p0 RETURN n"


def test_a_with_stage_pages_with_parameters() -> None:
    page = WithClause(
        (Projection(VarRef("n"), "n"),),
        order_by=(OrderItem(IdRef("n")),),
        skip=Param(10, name="skip"),
        limit=Param(5, name="limit"),
    )
    query = Query((MatchNode(NodePattern("n", ("A",))), page), _ret("n"))
    compiled = CypherDialect().compile(query)
    assert compiled.cypher == (
        "MATCH (n:`A`) WITH n ORDER BY id(n) SKIP $skip LIMIT $limit RETURN n"
    )
    assert compiled.params == {"skip": 10, "limit": 5}


def test_named_and_numbered_parameters_mix() -> None:
    where = Comparison(PropRef("n", "x"), CompareOp.IN, Param([1], name="xs"))
    query = Query(
        (MatchNode(NodePattern("n", ("A",)), where=where),),
        ReturnClause(
            (
                Projection(Aggregate("collect", VarRef("n")), "c", variable=True),
                Projection(Aggregate("count", VarRef("n")), "k"),
            )
        ),
    )
    compiled = CypherDialect().compile(query)
    assert compiled.cypher == (
        "MATCH (n:`A`) WHERE n.`x` IN $xs RETURN collect(n) AS c, count(n) AS `k`"
    )


def test_rename_alias_reaches_the_new_clauses() -> None:
    clauses = (
        Unwind(Param([1], name="ids"), "i"),
        MatchId(NodePattern("n", ()), VarRef("i")),
        MatchKey(NodePattern("n", ("A",)), "k", Param(1, name="pk")),
        WithClause((Projection(VarRef("n"), "n"),), order_by=(OrderItem(PropRef("n", "k")),)),
    )
    renamed = rename_alias(Query(clauses, _ret("n")), "n", "m")
    renamed = rename_alias(renamed, "i", "j")
    assert CypherDialect().compile(renamed).cypher == (
        "UNWIND $ids AS j MATCH (m) WHERE id(m) = j MATCH (m:`A`) WHERE m.`k` = $pk "
        "WITH m ORDER BY m.`k` RETURN m"
    )
