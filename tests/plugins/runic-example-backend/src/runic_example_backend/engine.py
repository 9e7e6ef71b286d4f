"""A small Cypher interpreter over an in-memory graph (pure Python, no I/O).

It understands the subset runic's reference compiler emits for what the example
backend supports, plus the read-back Cypher of the integration suite:

* clauses ``MATCH`` / ``OPTIONAL MATCH`` (node patterns and relationship chains,
  ``WHERE``), ``UNWIND``, ``WITH``, ``CREATE``, ``SET``, ``REMOVE``,
  ``[DETACH] DELETE``, ``RETURN`` (``DISTINCT``, ``ORDER BY``, ``SKIP``, ``LIMIT``);
* expressions: literals, ``$params``, lists, maps, ``x.prop``, ``x[i]``, ``CASE WHEN``,
  arithmetic, comparisons, ``IN``, ``STARTS WITH`` / ``ENDS WITH`` / ``CONTAINS``,
  ``IS [NOT] NULL``, ``AND`` / ``OR`` / ``NOT``, the functions in :data:`FUNCTIONS`
  and the aggregates ``count``, ``sum``, ``avg``, ``min``, ``max``, ``collect``.

Anything else (``MERGE``, ``CALL``, list comprehensions, variable-length paths...)
raises :class:`~runic.ogm.exceptions.UnsupportedFeatureError` naming the backend
and the construct. A write runs on a copy of the graph (:mod:`.graph`) that
replaces it only when the statement succeeds, so a failing write changes nothing.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import QueryExecutionError, UnsupportedFeatureError
from runic_example_backend.graph import BACKEND, MemoryGraph, Node, Rel, output, storable

__all__ = ["FUNCTIONS", "execute"]

Row = dict[str, Any]
Expr = Callable[[Row, Mapping[str, Any]], Any]


def execute(
    graph: MemoryGraph, cypher: str, params: Mapping[str, Any], *, write: bool
) -> QueryResult:
    """Parse and run ``cypher`` on ``graph``; a write works on a copy, adopted on success."""
    statement = Parser(cypher).statement()
    if statement.writes and not write:
        raise QueryExecutionError(
            "a read-only statement (write=False) may not create, set or delete",
            backend=BACKEND,
            cypher=cypher,
        )
    with graph.lock:
        if not statement.writes:
            return statement.run(graph, params, cypher)
        work = graph.copy()
        result = statement.run(work, params, cypher)
        graph.take(work)
        return result


# -- tokens -------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<name>`(?:[^`]|``)*`)
    |(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    |(?P<num>\d+\.\d+(?:[eE][-+]?\d+)?|\d+(?:[eE][-+]?\d+)?)
    |(?P<param>\$[A-Za-z_]\w*)
    |(?P<word>[A-Za-z_]\w*)
    |(?P<op><>|<=|>=|=~|\+=|\.\.|[-+*/%=<>(){}\[\]:,.|])""",
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"'}


@dataclass(frozen=True)
class Token:
    """One token and where it is in the text (to name an error's position)."""

    kind: str  # name, str, num, param, word, op, end
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def tokenize(cypher: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(cypher):
        match = _TOKEN.match(cypher, pos)
        if match is None:
            raise QueryExecutionError(
                f"cannot read the statement at {cypher[pos : pos + 20]!r}",
                backend=BACKEND,
                cypher=cypher,
            )
        kind = match.lastgroup or "ws"
        if kind != "ws":
            tokens.append(Token(kind, match.group(), pos, match.end()))
        pos = match.end()
    tokens.append(Token("end", "", pos, pos))
    return tokens


# -- values -------------------------------------------------------------------------------


def _truth(value: Any) -> bool | None:
    return None if value is None else bool(value)


_ORDER: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


def _plain(value: Any) -> Any:
    """Tuples (parameter rows) compare as the lists they stand for."""
    return [_plain(v) for v in value] if isinstance(value, list | tuple) else value


def _compare(op: str, a: Any, b: Any) -> bool | None:
    """Cypher comparison: ``null`` with anything is ``null``; a boolean equals no number."""
    if a is None or b is None:
        return None
    a, b = _plain(a), _plain(b)
    if isinstance(a, bool) != isinstance(b, bool):
        return (op == "<>") if op in ("=", "<>") else None
    if op in ("=", "<>"):
        return bool(a == b) == (op == "=")
    try:
        return bool(_ORDER[op](a, b))
    except TypeError:  # e.g. a string and a number: not comparable
        return None


def _prop(value: Any, key: str) -> Any:
    if value is None:
        return None
    if isinstance(value, Node | Rel):
        return value.props.get(key)
    if isinstance(value, Mapping):
        return value.get(key)
    raise TypeError(f"cannot read property {key!r} of {type(value).__name__}")


def _index(value: Any, index: Any) -> Any:
    if value is None or index is None:
        return None
    if isinstance(value, Mapping | Node | Rel):
        return _prop(value, index)
    try:
        return value[int(index)]
    except IndexError:
        return None


def _string_op(op: str, a: Any, b: Any) -> bool | None:
    if not isinstance(a, str) or not isinstance(b, str):
        return None
    if op == "STARTS":
        return a.startswith(b)
    if op == "ENDS":
        return a.endswith(b)
    if op == "CONTAINS":
        return b in a
    return re.fullmatch(b, a) is not None  # =~


def _size(value: Any) -> Any:
    return None if value is None else len(value)


#: Scalar functions by lower-case name.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "id": lambda e: None if e is None else e.id,
    "labels": lambda n: None if n is None else list(n.labels),
    "type": lambda r: None if r is None else r.type,
    "properties": lambda e: None if e is None else dict(e.props),
    "keys": lambda e: None if e is None else list(e.props if isinstance(e, Node | Rel) else e),
    "size": _size,
    "coalesce": lambda *vs: next((v for v in vs if v is not None), None),
    "tolower": lambda s: None if s is None else str(s).lower(),
    "toupper": lambda s: None if s is None else str(s).upper(),
    "tostring": lambda v: None if v is None else str(v),
    "tointeger": lambda v: None if v is None else int(v),
    "tofloat": lambda v: None if v is None else float(v),
    "abs": lambda v: None if v is None else abs(v),
}
_AGGREGATES = frozenset({"count", "sum", "avg", "min", "max", "collect"})


@dataclass
class Aggregate:
    """An aggregate call at the top of a projection item."""

    name: str
    arg: Expr | None  # None: count(*)
    distinct: bool

    def over(self, rows: list[Row], params: Mapping[str, Any]) -> Any:
        if self.arg is None:
            return len(rows)
        arg = self.arg
        values = [v for v in (arg(r, params) for r in rows) if v is not None]
        if self.distinct:
            values = list({repr(v): v for v in values}.values())
        if self.name == "count":
            return len(values)
        if self.name == "collect":
            return values
        if self.name == "sum":
            return sum(values)
        if not values:
            return None
        if self.name == "avg":
            return sum(values) / len(values)
        return min(values) if self.name == "min" else max(values)


# -- statements ---------------------------------------------------------------------------


@dataclass
class NodePat:
    """``(var:Label {map})`` in a pattern."""

    var: str | None
    labels: list[str]
    props: Expr | None


@dataclass
class RelPat:
    """``-[var:T|U {map}]->`` in a pattern."""

    var: str | None
    types: list[str]
    props: Expr | None
    direction: str  # "->", "<-" or "-"


@dataclass
class Item:
    """``expr AS alias`` in WITH or RETURN."""

    expr: Expr | Aggregate
    alias: str


Clause = Callable[[MemoryGraph, list[Row], Mapping[str, Any]], list[Row]]


@dataclass
class Statement:
    """A parsed statement: its clauses, each turning the rows so far into the next rows."""

    clauses: list[Clause]
    writes: bool
    columns: list[str]
    returns: bool

    def run(self, graph: MemoryGraph, params: Mapping[str, Any], cypher: str) -> QueryResult:
        """Run the clauses from one empty row; an engine error names the statement."""
        rows: list[Row] = [{}]
        try:
            for clause in self.clauses:
                rows = clause(graph, rows, params)
        except (TypeError, KeyError, ValueError, IndexError) as exc:
            raise QueryExecutionError(str(exc), backend=BACKEND, cypher=cypher) from exc
        if not self.returns:
            return QueryResult([], [])
        return QueryResult(
            list(self.columns), [tuple(output(r[c]) for c in self.columns) for r in rows]
        )


def _matches(entity: Node | Rel, props: Expr | None, row: Row, params: Mapping[str, Any]) -> bool:
    if props is None:
        return True
    wanted = props(row, params)
    return all(_compare("=", entity.props.get(k), v) for k, v in wanted.items())


def _node_ok(node: Node, pat: NodePat, row: Row, params: Mapping[str, Any]) -> bool:
    return all(label in node.labels for label in pat.labels) and _matches(
        node, pat.props, row, params
    )


_ANY = object()


def _match_chain(
    graph: MemoryGraph,
    chain: list[NodePat | RelPat],
    row: Row,
    params: Mapping[str, Any],
    node_id: Any = _ANY,
) -> Iterator[Row]:
    """Every binding of the pattern ``chain`` (node, rel, node, ...) extending ``row``;
    ``node_id``: the id the first node must have (looked up, not scanned for)."""
    first = chain[0]
    assert isinstance(first, NodePat)
    bound = row.get(first.var) if first.var else None
    starts: Iterable[Node]
    if isinstance(bound, Node):
        starts = [bound] if node_id is _ANY or bound.id == node_id else []
    elif node_id is not _ANY:
        usable = isinstance(node_id, int) and not isinstance(node_id, bool)
        found = graph.nodes.get(node_id) if usable else None
        starts = [found] if found is not None else []
    else:
        starts = graph.nodes.values()
    for node in starts:
        if _node_ok(node, first, row, params):
            yield from _extend(graph, chain, 1, node, {**row, **_bind(first.var, node)}, params)


def _bind(var: str | None, value: Any) -> Row:
    return {var: value} if var else {}


def _extend(
    graph: MemoryGraph,
    chain: list[NodePat | RelPat],
    at: int,
    node: Node,
    row: Row,
    params: Mapping[str, Any],
) -> Iterator[Row]:
    if at == len(chain):
        yield row
        return
    rel_pat, next_pat = chain[at], chain[at + 1]
    assert isinstance(rel_pat, RelPat) and isinstance(next_pat, NodePat)
    used = {v.id for v in row.values() if isinstance(v, Rel)}
    for rel in graph.rels_at(node.id):
        if rel.id in used or (rel_pat.types and rel.type not in rel_pat.types):
            continue
        ends = []
        if rel_pat.direction in ("->", "-") and rel.start == node.id:
            ends.append(rel.end)
        if rel_pat.direction in ("<-", "-") and rel.end == node.id:
            ends.append(rel.start)
        for end in ends:
            other = graph.nodes[end]
            bound = row.get(next_pat.var) if next_pat.var else None
            if bound is not None and bound is not other:
                continue
            if not (
                _node_ok(other, next_pat, row, params) and _matches(rel, rel_pat.props, row, params)
            ):
                continue
            new = {**row, **_bind(rel_pat.var, rel), **_bind(next_pat.var, other)}
            yield from _extend(graph, chain, at + 2, other, new, params)


def _pattern_vars(chain: list[NodePat | RelPat]) -> list[str]:
    return [p.var for p in chain if p.var]


def _project(
    items: list[Item], distinct: bool, rows: list[Row], params: Mapping[str, Any]
) -> list[tuple[Row, Row]]:
    """``(projected row, scope for ORDER BY)`` per output row; aggregates group the rest."""
    aggregates = [i for i in items if isinstance(i.expr, Aggregate)]
    if not aggregates:
        out = []
        for row in rows:
            projected = {i.alias: i.expr(row, params) for i in items}  # type: ignore[operator]
            out.append((projected, {**row, **projected}))
    else:
        keys = [i for i in items if not isinstance(i.expr, Aggregate)]
        groups: dict[str, tuple[Row, list[Row]]] = {}
        for row in rows:
            values = {i.alias: i.expr(row, params) for i in keys}  # type: ignore[operator]
            groups.setdefault(repr(sorted(values.items(), key=repr)), (values, []))[1].append(row)
        if not groups and not keys:
            groups[""] = ({}, [])
        out = []
        for values, members in groups.values():
            projected = {
                i.alias: i.expr.over(members, params)
                if isinstance(i.expr, Aggregate)
                else values[i.alias]
                for i in items
            }
            out.append((projected, projected))
    if distinct:
        seen: dict[str, tuple[Row, Row]] = {}
        for pair in out:
            seen.setdefault(repr(pair[0]), pair)
        out = list(seen.values())
    return out


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (2, 0)
    if isinstance(value, bool | int | float):
        return (0, value)
    return (1, str(value))


# -- the parser: Cypher text to closures -------------------------------------------------

_WRITE_CLAUSES = frozenset({"CREATE", "SET", "REMOVE", "DELETE", "DETACH"})
_CLAUSE_WORDS = (
    frozenset({"MATCH", "OPTIONAL", "UNWIND", "WITH", "RETURN", "WHERE", "ORDER", "SKIP", "LIMIT"})
    | _WRITE_CLAUSES
    | {"MERGE", "CALL", "UNION", "FOREACH", "LOAD", "USING"}
)


def unsupported(feature: str) -> UnsupportedFeatureError:
    """The error for a construct this backend does not run."""
    return UnsupportedFeatureError(
        BACKEND,
        feature,
        "the example backend runs a small Cypher subset (see runic_example_backend.engine)",
    )


class Parser:
    """Recursive descent over the tokens of one statement."""

    def __init__(self, cypher: str) -> None:
        self.cypher = cypher
        self.tokens = tokenize(cypher)
        self.pos = 0

    # tokens
    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def next(self) -> Token:
        token = self.peek()
        self.pos += 1
        return token

    def word(self, *words: str) -> bool:
        """Consume the keywords ``words`` if they come next."""
        if all(self.peek(i).upper == w for i, w in enumerate(words)):
            self.pos += len(words)
            return True
        return False

    def op(self, text: str) -> bool:
        if self.peek().kind == "op" and self.peek().text == text:
            self.pos += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not (self.op(text) or self.word(text)):
            raise self.error(f"expected {text!r}")

    def error(self, what: str) -> QueryExecutionError:
        token = self.peek()
        return QueryExecutionError(
            f"{what} at {self.cypher[token.start : token.start + 30]!r}",
            backend=BACKEND,
            cypher=self.cypher,
        )

    def name(self) -> str:
        token = self.next()
        if token.kind == "name":
            return token.text[1:-1].replace("``", "`")
        if token.kind == "word":
            return token.text
        self.pos -= 1
        raise self.error("expected a name")

    # statement
    def statement(self) -> Statement:
        clauses: list[Clause] = []
        writes = False
        columns: list[str] = []
        returns = False
        while self.peek().kind != "end":
            token = self.peek()
            keyword = token.upper
            writes = writes or keyword in _WRITE_CLAUSES
            if self.word("OPTIONAL", "MATCH"):
                clauses.append(self.match(optional=True))
            elif self.word("MATCH"):
                clauses.append(self.match(optional=False))
            elif self.word("UNWIND"):
                clauses.append(self.unwind())
            elif self.word("WITH"):
                clauses.append(self.projection(final=False)[0])
            elif self.word("RETURN"):
                clause, columns = self.projection(final=True)
                clauses.append(clause)
                returns = True
                if self.peek().kind != "end":
                    raise self.error("RETURN must end the statement")
            elif self.word("CREATE"):
                clauses.append(self.create())
            elif self.word("SET"):
                clauses.append(self.set_clause())
            elif self.word("REMOVE"):
                clauses.append(self.set_clause(remove=True))
            elif self.word("DETACH", "DELETE"):
                clauses.append(self.delete(detach=True))
            elif self.word("DELETE"):
                clauses.append(self.delete(detach=False))
            elif keyword in _CLAUSE_WORDS:
                raise unsupported(f"the Cypher clause {keyword}")
            else:
                raise self.error("expected a clause")
        return Statement(clauses, writes, columns, returns)

    # patterns
    def chain(self) -> list[NodePat | RelPat]:
        chain: list[NodePat | RelPat] = [self.node()]
        while self.peek().text in ("-", "<"):
            chain.append(self.rel())
            chain.append(self.node())
        return chain

    def node(self) -> NodePat:
        self.expect("(")
        var = self.name() if self.peek().kind in ("word", "name") else None
        labels: list[str] = []
        while self.op(":"):
            labels.append(self.name())
        props = self.map_literal() if self.peek().text == "{" else None
        self.expect(")")
        return NodePat(var, labels, props)

    def rel(self) -> RelPat:
        incoming = self.op("<")
        self.expect("-")
        var, types, props = None, [], None
        if self.op("["):
            var = self.name() if self.peek().kind in ("word", "name") else None
            if self.op(":"):
                types.append(self.name())
                while self.op("|"):
                    self.op(":")
                    types.append(self.name())
            if self.peek().text == "*":
                raise unsupported("variable-length relationship patterns")
            props = self.map_literal() if self.peek().text == "{" else None
            self.expect("]")
        self.expect("-")
        outgoing = self.op(">")
        if incoming and outgoing:
            raise self.error("a relationship cannot point both ways")
        return RelPat(var, types, props, "<-" if incoming else "->" if outgoing else "-")

    def chains(self) -> list[list[NodePat | RelPat]]:
        chains = [self.chain()]
        while self.op(","):
            chains.append(self.chain())
        return chains

    # clauses
    def match(self, *, optional: bool) -> Clause:
        chains = self.chains()
        where, by_id = None, None
        if self.word("WHERE"):
            by_id = self.id_lookup(chains[0][0])
            where = None if by_id is not None else self.expr()
        new_vars = [v for c in chains for v in _pattern_vars(c)]

        def run(graph: MemoryGraph, rows: list[Row], params: Mapping[str, Any]) -> list[Row]:
            out: list[Row] = []
            for row in rows:
                found = [row]
                for index, chain in enumerate(chains):
                    only = by_id(row, params) if by_id is not None and index == 0 else _ANY
                    found = [m for r in found for m in _match_chain(graph, chain, r, params, only)]
                if where is not None:
                    found = [r for r in found if _truth(where(r, params))]
                if not found and optional:
                    found = [{**row, **{v: row.get(v) for v in new_vars}}]
                out.extend(found)
            return out

        return run

    def id_lookup(self, first: NodePat | RelPat) -> Expr | None:
        """For ``MATCH (n) WHERE id(n) = <expr>`` (how runic finds entities to update,
        delete or relate) the expression, so the node is looked up by id, not scanned
        for; ``None`` (nothing consumed) for any other ``WHERE``."""
        save = self.pos
        words = [t.text.lower() if t.kind == "word" else t.text for t in self.tokens[save:][:5]]
        if not isinstance(first, NodePat) or words != ["id", "(", first.var, ")", "="]:
            return None
        self.pos += 5
        value = self.expr(_NOT_LEVEL + 1)
        if self.peek().kind == "end" or self.peek().upper in _CLAUSE_WORDS - {"WHERE"}:
            return value
        self.pos = save  # more conditions follow: the general path
        return None

    def unwind(self) -> Clause:
        source = self.expr()
        self.expect("AS")
        var = self.name()

        def run(graph: MemoryGraph, rows: list[Row], params: Mapping[str, Any]) -> list[Row]:
            return [{**row, var: item} for row in rows for item in source(row, params) or ()]

        return run

    def items(self) -> list[Item]:
        items: list[Item] = []
        while True:
            start = self.peek().start
            expr = self.aggregate_or_expr()
            end = self.tokens[self.pos - 1].end
            alias = self.name() if self.word("AS") else self.cypher[start:end]
            items.append(Item(expr, alias))
            if not self.op(","):
                return items

    def aggregate_or_expr(self) -> Expr | Aggregate:
        """A projection item: ``count(x)`` and the other aggregates only as the whole item."""
        token = self.peek()
        if not (token.kind == "word" and token.text.lower() in _AGGREGATES):
            return self.expr()
        if self.peek(1).text != "(":
            return self.expr()
        self.pos += 2
        distinct = self.word("DISTINCT")
        arg = None if self.op("*") else self.expr()
        self.expect(")")
        after = self.peek()
        if (
            after.kind == "end"
            or after.text == ","
            or after.upper == "AS"
            or (after.upper in _CLAUSE_WORDS)
        ):
            return Aggregate(token.text.lower(), arg, distinct)
        raise unsupported("aggregates inside an expression")

    def projection(self, *, final: bool) -> tuple[Clause, list[str]]:
        distinct = self.word("DISTINCT")
        star = self.op("*")
        items = [] if star else self.items()
        order: list[tuple[Expr, bool]] = []
        if self.word("ORDER", "BY"):
            while True:
                key = self.expr()
                descending = self.word("DESC") or self.word("DESCENDING")
                if not descending:
                    self.word("ASC") or self.word("ASCENDING")
                order.append((key, descending))
                if not self.op(","):
                    break
        skip = self.expr() if self.word("SKIP") else None
        limit = self.expr() if self.word("LIMIT") else None
        where = None if final or not self.word("WHERE") else self.expr()

        def run(graph: MemoryGraph, rows: list[Row], params: Mapping[str, Any]) -> list[Row]:
            pairs = [(r, r) for r in rows] if star else _project(items, distinct, rows, params)
            for key, descending in reversed(order):
                pairs.sort(key=lambda p: _sort_key(key(p[1], params)), reverse=descending)
            out = [p[0] for p in pairs]
            start = int(skip({}, params)) if skip is not None else 0
            out = out[start:]
            if limit is not None:
                out = out[: int(limit({}, params))]
            if where is not None:
                out = [r for r in out if _truth(where(r, params))]
            return out

        return run, [i.alias for i in items]

    def create(self) -> Clause:
        chains = self.chains()

        def make_node(
            graph: MemoryGraph, pat: NodePat, row: Row, params: Mapping[str, Any]
        ) -> Node:
            if pat.var and isinstance(row.get(pat.var), Node):
                return row[pat.var]  # type: ignore[no-any-return]
            props = pat.props(row, params) if pat.props else {}
            node = Node(
                graph.new_id(),
                list(pat.labels),
                {k: storable(k, v) for k, v in props.items() if v is not None},
            )
            graph.nodes[node.id] = node
            if pat.var:
                row[pat.var] = node
            return node

        def run(graph: MemoryGraph, rows: list[Row], params: Mapping[str, Any]) -> list[Row]:
            out = []
            for original in rows:
                row = dict(original)
                for chain in chains:
                    left = make_node(graph, chain[0], row, params)  # type: ignore[arg-type]
                    for at in range(1, len(chain), 2):
                        pat, right_pat = chain[at], chain[at + 1]
                        assert isinstance(pat, RelPat) and isinstance(right_pat, NodePat)
                        right = make_node(graph, right_pat, row, params)
                        if len(pat.types) != 1 or pat.direction == "-":
                            raise self.error("CREATE needs one relationship type and a direction")
                        start, end = (left, right) if pat.direction == "->" else (right, left)
                        props = pat.props(row, params) if pat.props else {}
                        rel = Rel(
                            graph.new_id(),
                            pat.types[0],
                            start.id,
                            end.id,
                            {k: storable(k, v) for k, v in props.items() if v is not None},
                        )
                        graph.add_rel(rel)
                        if pat.var:
                            row[pat.var] = rel
                        left = right
                out.append(row)
            return out

        return run

    def set_clause(self, *, remove: bool = False) -> Clause:
        """``SET v.p = e, v:L, v += {map}`` or ``REMOVE v.p, v:L``."""
        actions: list[tuple[str, str, str, Expr | None]] = []  # (var, kind, key, value)
        while True:
            var = self.name()
            if self.op("."):
                key = self.name()
                if not remove:
                    self.expect("=")
                actions.append((var, "prop", key, None if remove else self.expr()))
            elif self.op(":"):
                actions.append((var, "label", self.name(), None))
            elif not remove and self.op("+="):
                actions.append((var, "merge", "", self.expr()))
            else:
                raise unsupported("this form of SET" if not remove else "this form of REMOVE")
            if not self.op(","):
                break

        def run(graph: MemoryGraph, rows: list[Row], params: Mapping[str, Any]) -> list[Row]:
            for row in rows:
                for var, kind, key, value in actions:
                    entity, new = row[var], value(row, params) if value else None
                    if kind == "prop":
                        _set(entity, key, new)
                    elif kind == "merge":
                        for k, v in (new or {}).items():
                            _set(entity, k, v)
                    elif isinstance(entity, Node) and remove and key in entity.labels:
                        entity.labels.remove(key)
                    elif isinstance(entity, Node) and not remove and key not in entity.labels:
                        entity.labels.append(key)
            return rows

        return run

    def delete(self, *, detach: bool) -> Clause:
        targets = [self.expr()]
        while self.op(","):
            targets.append(self.expr())
        cypher = self.cypher

        def run(graph: MemoryGraph, rows: list[Row], params: Mapping[str, Any]) -> list[Row]:
            for row in rows:
                for target in targets:
                    entity = target(row, params)
                    if isinstance(entity, Rel):
                        graph.remove_rel(entity.id)
                    elif isinstance(entity, Node):
                        attached = [r.id for r in graph.rels_at(entity.id)]
                        if attached and not detach:
                            raise QueryExecutionError(
                                f"cannot delete node {entity.id}: it still has relationships "
                                "(use DETACH DELETE)",
                                backend=BACKEND,
                                cypher=cypher,
                            )
                        for rid in attached:
                            graph.remove_rel(rid)
                        graph.nodes.pop(entity.id, None)
                        graph.touching.pop(entity.id, None)
            return rows

        return run

    # expressions: precedence climbing over _LEVELS, loosest first
    def expr(self, level: int = 0) -> Expr:
        if level == len(_LEVELS):
            return self.unary()
        if level == _NOT_LEVEL and self.word("NOT"):
            return _apply(_not, self.expr(level))
        left = self.expr(level + 1)
        while True:
            if level == _NOT_LEVEL and self.word("IS"):
                negate = self.word("NOT")
                self.expect("NULL")
                left = _apply(_is_not_null if negate else _is_null, left)
                continue
            words = next((w for w in _LEVELS[level] if self.word(*w.split())), None)
            if words is None and self.peek().kind == "op" and self.peek().text in _LEVELS[level]:
                words = self.next().text
            if words is None:
                return left
            left = _apply(_LEVELS[level][words], left, self.expr(level + 1))

    def unary(self) -> Expr:
        if self.op("-"):
            return _apply(lambda v: None if v is None else -v, self.unary())
        value = self.atom()
        while True:  # postfix: .prop and [index]
            if self.op("."):
                value = _apply(_prop, value, _const(self.name()))
            elif self.op("["):
                index = self.expr()
                if self.op(".."):
                    raise unsupported("list slices")
                self.expect("]")
                value = _apply(_index, value, index)
            else:
                return value

    def atom(self) -> Expr:
        token = self.next()
        kind, text = token.kind, token.text
        if kind == "num":
            return _const(float(text) if "." in text or "e" in text.lower() else int(text))
        if kind == "str":
            return _const(re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[1]), text[1:-1]))
        if kind == "param":
            return self.lookup(text[1:], "parameter $", params=True)
        if text == "(" and kind == "op":
            inner = self.expr()
            self.expect(")")
            return inner
        if text == "[" and kind == "op":
            if self.peek().kind == "word" and self.peek(1).upper == "IN":
                raise unsupported("list comprehensions")
            elements: list[Expr] = []
            while not self.op("]"):
                elements.append(self.expr())
                self.op(",")
            return _apply(lambda *values: list(values), *elements)
        if text == "{" and kind == "op":
            self.pos -= 1
            return self.map_literal()
        if kind == "name":
            return self.lookup(text[1:-1].replace("``", "`"), "variable ")
        if kind == "word":
            if token.upper in ("TRUE", "FALSE", "NULL"):
                return _const({"TRUE": True, "FALSE": False, "NULL": None}[token.upper])
            if self.op("("):
                return self.call(text.lower())
            if token.upper == "CASE" and self.peek().upper == "WHEN":
                return self.case()
            if token.upper in ("CASE", "EXISTS") or token.upper in _CLAUSE_WORDS:
                self.pos -= 1
                raise unsupported(f"{token.upper} in an expression")
            return self.lookup(text, "variable ")
        self.pos -= 1
        raise self.error("expected an expression")

    def case(self) -> Expr:
        """``CASE WHEN c THEN v ... [ELSE v] END`` (the searched form)."""
        branches: list[tuple[Expr, Expr]] = []
        while self.word("WHEN"):
            condition = self.expr()
            self.expect("THEN")
            branches.append((condition, self.expr()))
        default = self.expr() if self.word("ELSE") else _const(None)
        self.expect("END")

        def run(row: Row, params: Mapping[str, Any]) -> Any:
            for condition, value in branches:
                if _truth(condition(row, params)):
                    return value(row, params)
            return default(row, params)

        return run

    def lookup(self, key: str, what: str, *, params: bool = False) -> Expr:
        """A variable of the row (or a parameter): a clear error when it is missing."""
        cypher = self.cypher

        def run(row: Row, values: Mapping[str, Any]) -> Any:
            source = values if params else row
            if key not in source:
                missing = f"missing {what}{key}" if params else f"{what}{key!r} is not defined"
                raise QueryExecutionError(missing, backend=BACKEND, cypher=cypher)
            return source[key]

        return run

    def call(self, name: str) -> Expr:
        if name in _AGGREGATES:
            raise unsupported(f"the aggregate {name}() inside an expression")
        function = FUNCTIONS.get(name)
        if function is None:
            raise unsupported(f"the function {name}()")
        args: list[Expr] = []
        if not self.op(")"):
            args.append(self.expr())
            while self.op(","):
                args.append(self.expr())
            self.expect(")")
        return lambda r, p: function(*(a(r, p) for a in args))

    def map_literal(self) -> Expr:
        self.expect("{")
        entries: list[tuple[str, Expr]] = []
        if not self.op("}"):
            while True:
                key = self.name()
                self.expect(":")
                entries.append((key, self.expr()))
                if not self.op(","):
                    break
            self.expect("}")
        return lambda r, p: {k: e(r, p) for k, e in entries}


def _apply(function: Callable[..., Any], *args: Expr) -> Expr:
    """The expression ``function(arg, ...)`` over the values of ``args``."""

    def run(row: Row, params: Mapping[str, Any]) -> Any:
        return function(*(arg(row, params) for arg in args))

    return run


def _const(value: Any) -> Expr:
    return lambda row, params: value


def _not(value: Any) -> bool | None:
    truth = _truth(value)
    return None if truth is None else not truth


def _is_null(value: Any) -> bool:
    return value is None


def _is_not_null(value: Any) -> bool:
    return value is not None


def _or(a: Any, b: Any) -> bool | None:
    a, b = _truth(a), _truth(b)
    if a or b:
        return True
    return None if a is None or b is None else False


def _and(a: Any, b: Any) -> bool | None:
    a, b = _truth(a), _truth(b)
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def _in(value: Any, values: Any) -> bool | None:
    if values is None:
        return None
    if value is None:
        return None
    return any(_compare("=", value, v) for v in values)


def _arith(op: str, a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if op == "+":
        if isinstance(a, list | tuple):
            return [*a, *(b if isinstance(b, list | tuple) else [b])]
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "%":
        return a % b
    if isinstance(a, int) and isinstance(b, int):
        return int(a / b)
    return a / b


def _set(entity: Any, key: str, value: Any) -> None:
    if entity is None:
        return
    if not isinstance(entity, Node | Rel):
        raise TypeError(f"cannot set property {key!r} on {type(entity).__name__}")
    if value is None:
        entity.props.pop(key, None)
    else:
        entity.props[key] = storable(key, value)


def _op(op: str) -> Callable[[Any, Any], Any]:
    return lambda a, b: _compare(op, a, b)


def _text(op: str) -> Callable[[Any, Any], Any]:
    return lambda a, b: _string_op(op, a, b)


def _math(op: str) -> Callable[[Any, Any], Any]:
    return lambda a, b: _arith(op, a, b)


#: Binary operators by precedence level, loosest first (``NOT`` and ``IS [NOT] NULL``
#: are handled around the comparison level).
_LEVELS: list[dict[str, Callable[[Any, Any], Any]]] = [
    {"OR": _or},
    {"AND": _and},
    {  # the NOT level: comparisons
        **{op: _op(op) for op in ("=", "<>", "<=", ">=", "<", ">")},
        "IN": _in,
        "STARTS WITH": _text("STARTS"),
        "ENDS WITH": _text("ENDS"),
        "CONTAINS": _text("CONTAINS"),
        "=~": _text("=~"),
    },
    {"+": _math("+"), "-": _math("-")},
    {"*": _math("*"), "/": _math("/"), "%": _math("%")},
]
_NOT_LEVEL = 2
