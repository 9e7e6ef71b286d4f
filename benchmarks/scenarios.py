"""The scenarios of issue 7 and their targets.

Every contender starts from the same plain data (tuples built in ``prepare``,
never timed) and ends with the same graph or the same number of results, which
the runner checks. Graph writes start from an empty graph each round (the key
index on ``id`` is created by every reset, for all contenders alike).
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
from collections.abc import Callable
from typing import Any

from benchmarks.config import Sizes
from benchmarks.harness import Contender, Ctx, Job, Scenario, ScenarioResult, Target
from benchmarks.models import CHILD, ITEM, PARENT, Child, Item, Parent
from runic.ogm import AsyncRepository, AsyncSession, Repository, Session, select

__all__ = ["SCENARIOS", "scenario_keys"]

Rows = list[tuple[str, str, int]]


# -- data --------------------------------------------------------------------------------


def item_rows(n: int) -> Rows:
    return [(f"i{i}", f"name {i}", i) for i in range(n)]


def _rows(ctx: Ctx, n: int) -> Rows:
    key = f"rows:{n}"
    if key not in ctx.cache:
        ctx.cache[key] = item_rows(n)
    rows: Rows = ctx.cache[key]
    return rows


def _parents(sizes: Sizes) -> tuple[list[tuple[str, str]], list[tuple[str, int]]]:
    per = sizes.children_per_parent
    parents = [(f"p{i}", f"p{i}") for i in range(sizes.parents)]
    children = [(f"c{j}", j) for j in range(sizes.parents * per)]
    return parents, children


def _plan(sizes: Sizes) -> dict[str, list[str]]:
    """Parent key -> the keys of its children (parent i owns children i*per ... i*per+per-1)."""
    per = sizes.children_per_parent
    return {f"p{i}": [f"c{j}" for j in range(i * per, (i + 1) * per)] for i in range(sizes.parents)}


def _lookup_keys(total: int, count: int) -> list[str]:
    """``count`` distinct item keys spread over ``total`` items."""
    step = max(1, total // count)
    return [f"i{(j * step) % total}" for j in range(count)]


def _orm() -> Any:
    import falkordb_orm  # type: ignore[import-untyped]

    return falkordb_orm


def _orm_models() -> Any:
    from benchmarks.peers import falkordb_orm_models

    return falkordb_orm_models


def _count(value: Any) -> int:
    return len(value)


def _found(value: Any) -> int:
    """How many look-ups found something (an awaitable is not a result)."""
    return sum(1 for v in value if v is not None and not inspect.isawaitable(v))


def _children_of_rows(value: Any) -> int:
    return sum(len(children) for _, children in value)


def _children_of_entities(value: Any) -> int:
    return sum(len(parent.children) for parent in value)


def _same(value: Any) -> int:
    return int(value)


# -- insert ------------------------------------------------------------------------------


def _insert_contenders(count: Callable[[Sizes], int], with_async: bool) -> tuple[Contender, ...]:
    def floor(ctx: Ctx) -> Job:
        rows = _rows(ctx, count(ctx.sizes))
        ctx.graph.reset()
        return Job(lambda: ctx.graph.floor.insert_items(rows))

    def runic(ctx: Ctx) -> Job:
        rows = _rows(ctx, count(ctx.sizes))
        ctx.graph.reset()

        def call() -> None:
            with Session(ctx.graph.runic) as session:
                session.add_all([Item(id=k, name=n, score=s) for k, n, s in rows])
                session.commit()

        return Job(call)

    def runic_async(ctx: Ctx) -> Job:
        rows = _rows(ctx, count(ctx.sizes))
        ctx.graph.reset()

        async def call() -> None:
            async with AsyncSession(ctx.graph.runic_async) as session:
                session.add_all([Item(id=k, name=n, score=s) for k, n, s in rows])
                await session.commit()

        return Job(call)

    def peer(ctx: Ctx) -> Job:
        rows = _rows(ctx, count(ctx.sizes))
        ctx.graph.reset()
        orm, models = _orm(), _orm_models()

        def call() -> None:
            session = orm.Session(ctx.graph.peer)
            for k, n, s in rows:
                session.add(models.OrmItem(id=k, name=n, score=s))
            session.commit()
            session.close()

        return Job(call)

    out = [
        Contender("floor", "raw client (1 UNWIND)", "floor", floor, column="floor"),
        Contender("runic", "runic add_all+commit", "runic", runic, column="runic"),
    ]
    if with_async:
        out.append(
            Contender(
                "runic_async",
                "runic async add_all+commit",
                "runic_async",
                runic_async,
                column="runic_async",
                is_async=True,
            )
        )
    # falkordb-orm sends one query per node (about 1 ms each here): in the large
    # scenarios it runs without warm-up (insert_small warmed the same code) and
    # without the memory-traced run, to keep a full run within minutes.
    out.append(
        Contender(
            "peer",
            "falkordb-orm add+commit",
            "peer",
            peer,
            column="peer",
            needs="peer",
            solo=True,
            warmup=with_async,
            traced=False,
        )
    )
    return tuple(out)


def _verify_items(count: Callable[[Sizes], int]) -> Callable[[Ctx], None]:
    def verify(ctx: Ctx) -> None:
        got = ctx.graph.checks.count_nodes(ITEM)
        if got != count(ctx.sizes):
            raise AssertionError(f"{got} {ITEM} nodes in the graph, expected {count(ctx.sizes)}")

    return verify


# -- targets -----------------------------------------------------------------------------


def _vs(subject: str, base: str, base_name: str) -> Callable[..., tuple[float, str] | None]:
    def measure(result: ScenarioResult, _: dict[str, ScenarioResult]) -> tuple[float, str] | None:
        a, b = result.median(subject), result.median(base)
        if a is None or not b:
            return None
        return a / b, f"{a * 1000:.1f} ms vs {base_name} {b * 1000:.1f} ms"

    return measure


def _memory(result: ScenarioResult, _: dict[str, ScenarioResult]) -> tuple[float, str] | None:
    runic, floor = result.contenders.get("runic"), result.contenders.get("floor")
    if runic is None or floor is None or not runic.peak_bytes or not floor.peak_bytes:
        return None
    mib = 1024 * 1024
    return (
        runic.peak_bytes / floor.peak_bytes,
        f"{runic.peak_bytes / mib:.1f} MiB vs floor {floor.peak_bytes / mib:.1f} MiB",
    )


def _scaling_contenders() -> tuple[Contender, ...]:
    """The 40,000-node inserts, plus the 10,000-node floor and runic inserts again.

    Timing both sizes in one scenario interleaves their rounds, so the ratio does
    not depend on how loaded the machine was when ``insert_small`` ran.
    """
    small = {c.key: c for c in _insert_contenders(lambda s: s.insert_small, with_async=False)}
    return (
        *_insert_contenders(lambda s: s.insert_scaling, with_async=False),
        *(
            dataclasses.replace(
                small[key],
                key=f"{key}_small",
                label=f"{small[key].label} (10,000)",
                column=None,
                verify=_verify_items(lambda s: s.insert_small),
            )
            for key in ("floor", "runic")
        ),
    )


def _scaling(
    result: ScenarioResult, earlier: dict[str, ScenarioResult]
) -> tuple[float, str] | None:
    big_t, f_big = result.median("runic"), result.median("floor")
    small_t, f_small = result.median("runic_small"), result.median("floor_small")
    # both sizes scale together: the ratio of the defaults is the ratio of any run's
    size_ratio = Sizes().insert_scaling / Sizes().insert_small
    if small_t is None:  # run without the small contenders: the insert_small scenario's
        earlier_small = earlier.get("insert_small")
        if earlier_small is None:
            return None
        small_t, f_small = earlier_small.median("runic"), earlier_small.median("floor")
        size_ratio = result.size / earlier_small.size
    if big_t is None or not small_t:
        return None
    floor_ratio = f_big / f_small if f_big is not None and f_small else None
    detail = f"x{size_ratio:g} nodes: runic {small_t * 1000:.0f} -> {big_t * 1000:.0f} ms"
    if floor_ratio is not None:
        detail += f"; floor ratio {floor_ratio:.2f}"
    return big_t / small_t, detail


def _target(label: str, text: str, limit: float, measure: Any, kind: str = "time") -> Target:
    return Target(label, text, limit, measure, kind)


def _runic_vs_floor(label: str, limit: float, base: str = "floor") -> Target:
    return _target(label, f"runic <= {limit:g}x {base}", limit, _vs("runic", "floor", "floor"))


# -- update ------------------------------------------------------------------------------


def _seed_items(ctx: Ctx, n: int) -> None:
    ctx.graph.reset()
    ctx.graph.checks.insert_items(_rows(ctx, n))


def _update_contenders() -> tuple[Contender, ...]:
    def floor(ctx: Ctx) -> Job:
        _seed_items(ctx, ctx.sizes.update)
        loaded = ctx.graph.checks.all_items()

        return Job(lambda: ctx.graph.floor.bump_scores(loaded))

    def runic(ctx: Ctx) -> Job:
        _seed_items(ctx, ctx.sizes.update)
        session = Session(ctx.graph.runic)
        items = session.scalars(select(Item))

        def call() -> None:
            for item in items:
                item.score += 1
            session.commit()

        return Job(call, session.close)

    def runic_async(ctx: Ctx) -> Job:
        _seed_items(ctx, ctx.sizes.update)
        session = AsyncSession(ctx.graph.runic_async)
        items = ctx.runner.run(session.scalars(select(Item)))

        async def call() -> None:
            for item in items:
                item.score += 1
            await session.commit()

        return Job(call, session.close)

    def peer(ctx: Ctx) -> Job:
        _seed_items(ctx, ctx.sizes.update)
        repo = _orm().Repository(ctx.graph.peer, _orm_models().OrmItem)
        items = repo.find_all()

        def call() -> None:
            for item in items:
                item.score += 1
            repo.save_all(items)

        return Job(call)

    return (
        Contender("floor", "raw client (1 UNWIND SET)", "floor", floor, column="floor"),
        Contender("runic", "runic assign+commit", "runic", runic, column="runic"),
        Contender(
            "runic_async",
            "runic async assign+commit",
            "runic_async",
            runic_async,
            column="runic_async",
            is_async=True,
        ),
        Contender(
            "peer", "falkordb-orm save_all", "peer", peer, column="peer", needs="peer", solo=True
        ),
    )


def _verify_update(ctx: Ctx) -> None:
    n = ctx.sizes.update
    want = n * (n - 1) // 2 + n
    got = ctx.graph.checks.sum_scores()
    if got != want:
        raise AssertionError(f"sum of scores is {got} after the update, expected {want}")


# -- relations ---------------------------------------------------------------------------


def _seed_family(ctx: Ctx, linked: bool) -> None:
    ctx.graph.reset()
    parents, children = _parents(ctx.sizes)
    ctx.graph.checks.seed_parents(parents, children, ctx.sizes.children_per_parent if linked else 0)


def _relate_contenders() -> tuple[Contender, ...]:
    def floor(ctx: Ctx) -> Job:
        _seed_family(ctx, linked=False)
        pids = ctx.graph.checks.node_ids(PARENT)
        cids = ctx.graph.checks.node_ids(CHILD)
        pairs = [(pids[p], cids[c]) for p, cs in _plan(ctx.sizes).items() for c in cs]
        return Job(lambda: ctx.graph.floor.relate(pairs))

    def runic(ctx: Ctx) -> Job:
        _seed_family(ctx, linked=False)
        plan = _plan(ctx.sizes)
        session = Session(ctx.graph.runic)
        parents = session.scalars(select(Parent))
        children = {c.id: c for c in session.scalars(select(Child))}

        def call() -> None:
            for parent in parents:
                parent.children = [children[k] for k in plan[parent.id]]
            session.commit()

        return Job(call, session.close)

    def runic_async(ctx: Ctx) -> Job:
        _seed_family(ctx, linked=False)
        plan = _plan(ctx.sizes)
        session = AsyncSession(ctx.graph.runic_async)
        parents = ctx.runner.run(session.scalars(select(Parent)))
        children = {c.id: c for c in ctx.runner.run(session.scalars(select(Child)))}

        async def call() -> None:
            for parent in parents:
                parent.children = [children[k] for k in plan[parent.id]]
            await session.commit()

        return Job(call, session.close)

    def peer(ctx: Ctx) -> Job:
        # falkordb-orm 1.2.2 saves a node by its ``id`` property (MERGE) but links
        # relation ends by internal node id: give its nodes id = id(n) so both agree.
        _seed_family(ctx, linked=False)
        ctx.graph.checks.run(f"MATCH (n) WHERE n:{PARENT} OR n:{CHILD} SET n.id = id(n)")
        orm, models = _orm(), _orm_models()
        per = ctx.sizes.children_per_parent
        repo = orm.Repository(ctx.graph.peer, models.OrmParent)
        parents = repo.find_all()
        children = {c.n: c for c in orm.Repository(ctx.graph.peer, models.OrmChild).find_all()}

        def call() -> None:
            for parent in parents:
                i = int(parent.name[1:])
                parent.children = [children[j] for j in range(i * per, (i + 1) * per)]
                repo.save(parent)

        return Job(call)

    return (
        Contender("floor", "raw client (1 UNWIND CREATE)", "floor", floor, column="floor"),
        Contender("runic", "runic assign relation+commit", "runic", runic, column="runic"),
        Contender(
            "runic_async",
            "runic async assign+commit",
            "runic_async",
            runic_async,
            column="runic_async",
            is_async=True,
        ),
        Contender(
            "peer", "falkordb-orm save", "peer", peer, column="peer", needs="peer", solo=True
        ),
    )


def _verify_edges(ctx: Ctx) -> None:
    want = ctx.sizes.parents * ctx.sizes.children_per_parent
    got = ctx.graph.checks.count_edges()
    if got != want:
        raise AssertionError(f"{got} relations in the graph, expected {want}")


# -- reads -------------------------------------------------------------------------------


def _seed_lookup_graph(ctx: Ctx) -> None:
    _seed_items(ctx, ctx.sizes.graph_items)
    ctx.cache["ids"] = ctx.graph.checks.node_ids(ITEM)


def _get_contenders() -> tuple[Contender, ...]:
    def keys(ctx: Ctx) -> list[str]:
        return _lookup_keys(ctx.sizes.graph_items, ctx.sizes.gets)

    def floor(ctx: Ctx) -> Job:
        ks = keys(ctx)
        return Job(lambda: [ctx.graph.floor.get_item(k) for k in ks])

    def runic(ctx: Ctx) -> Job:
        ks = keys(ctx)

        def call() -> list[Any]:
            with Session(ctx.graph.runic) as session:
                return [session.get(Item, k) for k in ks]

        return Job(call)

    def runic_async(ctx: Ctx) -> Job:
        ks = keys(ctx)

        async def call() -> list[Any]:
            async with AsyncSession(ctx.graph.runic_async) as session:
                return [await session.get(Item, k) for k in ks]

        return Job(call)

    def peer(ctx: Ctx) -> Job:
        # falkordb-orm's get() looks nodes up by internal id (its notion of id).
        ids = [ctx.cache["ids"][k] for k in keys(ctx)]
        orm, models = _orm(), _orm_models()

        def call() -> list[Any]:
            session = orm.Session(ctx.graph.peer)
            found = [session.get(models.OrmItem, i) for i in ids]
            session.close()
            return found

        return Job(call)

    return (
        Contender("floor", "raw client loop", "floor", floor, column="floor", results=_found),
        Contender(
            "runic", "runic session.get loop", "runic", runic, column="runic", results=_found
        ),
        Contender(
            "runic_async",
            "runic async get loop",
            "runic_async",
            runic_async,
            column="runic_async",
            is_async=True,
            results=_found,
        ),
        Contender(
            "peer",
            "falkordb-orm session.get loop",
            "peer",
            peer,
            column="peer",
            needs="peer",
            solo=True,
            results=_found,
        ),
    )


def _by_ids_contenders() -> tuple[Contender, ...]:
    def keys(ctx: Ctx) -> list[str]:
        return _lookup_keys(ctx.sizes.graph_items, ctx.sizes.by_ids)

    def floor(ctx: Ctx) -> Job:
        ks = keys(ctx)
        return Job(lambda: ctx.graph.floor.items_by_ids(ks))

    def runic(ctx: Ctx) -> Job:
        ks = keys(ctx)

        def call() -> list[Any]:
            with Session(ctx.graph.runic) as session:
                return Repository(session, Item).find_all_by_ids(ks)

        return Job(call)

    def runic_async(ctx: Ctx) -> Job:
        ks = keys(ctx)

        async def call() -> list[Any]:
            async with AsyncSession(ctx.graph.runic_async) as session:
                return await AsyncRepository(session, Item).find_all_by_ids(ks)

        return Job(call)

    def peer(ctx: Ctx) -> Job:
        ids = [ctx.cache["ids"][k] for k in keys(ctx)]
        orm, models = _orm(), _orm_models()
        return Job(lambda: orm.Repository(ctx.graph.peer, models.OrmItem).find_all_by_id(ids))

    return (
        Contender(
            "floor", "raw client (1 IN query)", "floor", floor, column="floor", results=_count
        ),
        Contender("runic", "runic find_all_by_ids", "runic", runic, column="runic", results=_count),
        Contender(
            "runic_async",
            "runic async find_all_by_ids",
            "runic_async",
            runic_async,
            column="runic_async",
            is_async=True,
            results=_count,
        ),
        Contender(
            "peer",
            "falkordb-orm find_all_by_id",
            "peer",
            peer,
            column="peer",
            needs="peer",
            solo=True,
            results=_count,
        ),
    )


def _select_contenders() -> tuple[Contender, ...]:
    def floor(ctx: Ctx) -> Job:
        return Job(ctx.graph.floor.all_items)

    def runic(ctx: Ctx) -> Job:
        def call() -> list[Any]:
            with Session(ctx.graph.runic) as session:
                return session.scalars(select(Item))

        return Job(call)

    def runic_async(ctx: Ctx) -> Job:
        async def call() -> list[Any]:
            async with AsyncSession(ctx.graph.runic_async) as session:
                return await session.scalars(select(Item))

        return Job(call)

    def peer(ctx: Ctx) -> Job:
        orm, models = _orm(), _orm_models()
        return Job(lambda: orm.Repository(ctx.graph.peer, models.OrmItem).find_all())

    return (
        Contender(
            "floor", "raw client query+decode", "floor", floor, column="floor", results=_count
        ),
        Contender("runic", "runic scalars(select)", "runic", runic, column="runic", results=_count),
        Contender(
            "runic_async",
            "runic async scalars",
            "runic_async",
            runic_async,
            column="runic_async",
            is_async=True,
            results=_count,
        ),
        Contender(
            "peer",
            "falkordb-orm find_all",
            "peer",
            peer,
            column="peer",
            needs="peer",
            solo=True,
            results=_count,
        ),
    )


def _fetch_contenders() -> tuple[Contender, ...]:
    def floor(ctx: Ctx) -> Job:
        return Job(ctx.graph.floor.parents_with_children)

    def runic(ctx: Ctx) -> Job:
        def call() -> list[Any]:
            with Session(ctx.graph.runic) as session:
                return Repository(session, Parent).find_all(fetch=["children"])

        return Job(call)

    def runic_async(ctx: Ctx) -> Job:
        async def call() -> list[Any]:
            async with AsyncSession(ctx.graph.runic_async) as session:
                return await AsyncRepository(session, Parent).find_all(fetch=["children"])

        return Job(call)

    def peer(ctx: Ctx) -> Job:
        orm, models = _orm(), _orm_models()

        def call() -> int:
            parents = orm.Repository(ctx.graph.peer, models.OrmParent).find_all(fetch=["children"])
            # falkordb-orm 1.2.2 leaves fetched relations as lazy lists: reading
            # them is part of getting the same objects.
            return sum(len(p.children) for p in parents)

        return Job(call)

    return (
        Contender(
            "floor",
            "raw client OPTIONAL MATCH+collect",
            "floor",
            floor,
            column="floor",
            results=_children_of_rows,
        ),
        Contender(
            "runic",
            "runic find_all(fetch=)",
            "runic",
            runic,
            column="runic",
            results=_children_of_entities,
        ),
        Contender(
            "runic_async",
            "runic async find_all(fetch=)",
            "runic_async",
            runic_async,
            column="runic_async",
            is_async=True,
            results=_children_of_entities,
        ),
        Contender(
            "peer",
            "falkordb-orm find_all(fetch=)",
            "peer",
            peer,
            column="peer",
            needs="peer",
            solo=True,
            results=_same,
        ),
    )


def _gather_contenders() -> tuple[Contender, ...]:
    def keys(ctx: Ctx) -> list[str]:
        return _lookup_keys(ctx.sizes.graph_items, ctx.sizes.async_gets)

    def runic_seq(ctx: Ctx) -> Job:
        ks = keys(ctx)

        async def call() -> list[Any]:
            async with AsyncSession(ctx.graph.runic_async) as session:
                return [await session.get(Item, k) for k in ks]

        return Job(call)

    def runic_gather(ctx: Ctx) -> Job:
        ks = keys(ctx)

        async def call() -> list[Any]:
            async with AsyncSession(ctx.graph.runic_async) as session:
                return list(await asyncio.gather(*(session.get(Item, k) for k in ks)))

        return Job(call)

    def runic_sessions(ctx: Ctx) -> Job:
        # One AsyncSession per get: on transactional backends a session is one
        # transaction, so this is how concurrent reads use the driver's pool there.
        ks = keys(ctx)

        async def one(key: str) -> Any:
            async with AsyncSession(ctx.graph.runic_async) as session:
                return await session.get(Item, key)

        async def call() -> list[Any]:
            return list(await asyncio.gather(*(one(k) for k in ks)))

        return Job(call)

    def floor_seq(ctx: Ctx) -> Job:
        ks, floor = keys(ctx), ctx.graph.async_floor
        assert floor is not None  # the runner skips this contender without one

        async def call() -> list[Any]:
            return [await floor.get_item(k) for k in ks]

        return Job(call)

    def floor_gather(ctx: Ctx) -> Job:
        ks, floor = keys(ctx), ctx.graph.async_floor
        assert floor is not None  # the runner skips this contender without one

        async def call() -> list[Any]:
            return list(await asyncio.gather(*(floor.get_item(k) for k in ks)))

        return Job(call)

    def peer_gather(ctx: Ctx) -> Job:
        ids = [ctx.cache["ids"][k] for k in keys(ctx)]
        orm, models = _orm(), _orm_models()

        async def call() -> list[Any]:
            # AsyncRepository: falkordb-orm 1.2.2's AsyncSession.get returns an
            # un-awaited coroutine instead of the entity.
            repo = orm.AsyncRepository(ctx.graph.peer_async, models.OrmItem)
            return list(await asyncio.gather(*(repo.find_by_id(i) for i in ids)))

        return Job(call)

    return (
        Contender(
            "floor_async_gather",
            "raw asyncio client gather",
            "floor_async",
            floor_gather,
            column="floor",
            is_async=True,
            needs="async_floor",
            results=_found,
        ),
        Contender(
            "floor_async_seq",
            "raw asyncio client one by one",
            "floor_async",
            floor_seq,
            is_async=True,
            needs="async_floor",
            results=_found,
        ),
        Contender(
            "runic_async_seq",
            "runic async get one by one",
            "runic_async",
            runic_seq,
            is_async=True,
            results=_found,
        ),
        Contender(
            "runic_async",
            "runic async get gather",
            "runic_async",
            runic_gather,
            column="runic_async",
            is_async=True,
            results=_found,
        ),
        Contender(
            "runic_async_sessions",
            "runic async gather, session per get",
            "runic_async",
            runic_sessions,
            is_async=True,
            results=_found,
        ),
        Contender(
            "peer",
            "falkordb-orm AsyncRepository gather",
            "peer_async",
            peer_gather,
            column="peer",
            is_async=True,
            needs="peer",
            solo=True,
            results=_found,
        ),
    )


# -- the table ---------------------------------------------------------------------------

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "insert_small",
        "insert small nodes (add_all + commit)",
        lambda s: s.insert_small,
        _insert_contenders(lambda s: s.insert_small, with_async=True),
        (_runic_vs_floor("insert 10,000 small nodes", 2.0),),
        verify=_verify_items(lambda s: s.insert_small),
    ),
    Scenario(
        "insert_large",
        "insert nodes, large batch",
        lambda s: s.insert_large,
        _insert_contenders(lambda s: s.insert_large, with_async=False),
        (
            _runic_vs_floor("insert 100,000 nodes", 2.0),
            _target(
                "insert 100,000 nodes: peak memory",
                "runic <= 2x floor's peak",
                2.0,
                _memory,
                kind="memory",
            ),
        ),
        verify=_verify_items(lambda s: s.insert_large),
        memory=True,
        note="peak memory: tracemalloc peak of the (untimed) warm-up run, above the "
        "allocations live before it; the input tuples are built before tracing starts",
    ),
    Scenario(
        "insert_scaling",
        "insert nodes, scaling check",
        lambda s: s.insert_scaling,
        _scaling_contenders(),
        (_target("scaling: insert 40,000 vs 10,000", "time ratio <= 4.5", 4.5, _scaling),),
        verify=_verify_items(lambda s: s.insert_scaling),
    ),
    Scenario(
        "update",
        "update one field on loaded nodes + commit",
        lambda s: s.update,
        _update_contenders(),
        (_runic_vs_floor("update one field on 10,000 loaded nodes", 2.0),),
        verify=_verify_update,
        note="the nodes are loaded before timing; timed: assign the field on every node, commit",
    ),
    Scenario(
        "relate",
        "create relations through the unit of work + commit",
        lambda s: s.parents * s.children_per_parent,
        _relate_contenders(),
        (_runic_vs_floor("create 5,000 relations", 2.0),),
        verify=_verify_edges,
        note="parents and children exist and are loaded before timing; timed: assign each "
        "parent's children list, commit",
    ),
    Scenario(
        "get",
        "session.get by primary key, fresh session",
        lambda s: s.gets,
        _get_contenders(),
        (
            _target(
                "1,000 session.get by primary key",
                "runic <= 1.3x raw loop",
                1.3,
                _vs("runic", "floor", "floor"),
            ),
        ),
        seed=_seed_lookup_graph,
        expected=lambda s: s.gets,
    ),
    Scenario(
        "find_all_by_ids",
        "find_all_by_ids",
        lambda s: s.by_ids,
        _by_ids_contenders(),
        (
            _target(
                "find_all_by_ids of 1,000 keys",
                "runic <= 1.5x one raw query",
                1.5,
                _vs("runic", "floor", "floor"),
            ),
        ),
        seed=_seed_lookup_graph,
        expected=lambda s: s.by_ids,
    ),
    Scenario(
        "select",
        "select returning nodes, hydrated",
        lambda s: s.select,
        _select_contenders(),
        (
            _target(
                "select 10,000 nodes, hydrated",
                "runic <= 2.0x raw query+decode",
                2.0,
                _vs("runic", "floor", "floor"),
            ),
        ),
        seed=lambda ctx: _seed_items(ctx, ctx.sizes.select),
        expected=lambda s: s.select,
    ),
    Scenario(
        "fetch",
        "eager fetch= of parents x children",
        lambda s: s.parents,
        _fetch_contenders(),
        (
            _target(
                "eager fetch= of 1,000 parents x 5 children",
                "runic <= 1.5x one raw OPTIONAL MATCH+collect",
                1.5,
                _vs("runic", "floor", "floor"),
            ),
        ),
        seed=lambda ctx: _seed_family(ctx, linked=True),
        expected=lambda s: s.parents * s.children_per_parent,
    ),
    Scenario(
        "async_gather",
        "async gets: asyncio.gather over a pooled driver",
        lambda s: s.async_gets,
        _gather_contenders(),
        (
            _target(
                "1,000 async gets with asyncio.gather",
                "gather <= 0.7x one by one",
                0.7,
                _vs("runic_async", "runic_async_seq", "one by one"),
            ),
            # not in the table: the same gets, a session each (the way to read
            # in parallel on transactional backends, where one session is serial)
            _target(
                "(extra) the same, one AsyncSession per get",
                "gather <= 0.7x one by one",
                0.7,
                _vs("runic_async_sessions", "runic_async_seq", "one by one"),
            ),
        ),
        seed=_seed_lookup_graph,
        expected=lambda s: s.async_gets,
        note="one AsyncSession per run (the extra row: one per get); the driver's pool "
        "holds pool_size connections",
    ),
)


def scenario_keys() -> list[str]:
    return [s.key for s in SCENARIOS]
