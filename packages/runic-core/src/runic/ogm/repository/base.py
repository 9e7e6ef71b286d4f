"""What ``Repository`` and ``AsyncRepository`` share: every part that does no I/O.

The statements (``count``, ``exists``, derived finders, aggregates), the parsing of
derived finder names (:mod:`runic.ogm.repository.finders`) and the typed stubs of
subclasses live here once; each flavour's methods are one-line shells handing a
statement to its session (``self._session.count(stmt)`` or ``await ...``).
"""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

from runic.ogm.core.descriptors import FieldDescriptor
from runic.ogm.core.metadata import node_meta
from runic.ogm.core.models import Node
from runic.ogm.exceptions import FieldValidationError, QueryBuildError
from runic.ogm.query.builder import Select, select
from runic.ogm.query.bulk import Delete
from runic.ogm.query.expressions import avg, max_, min_, sum_
from runic.ogm.repository.finders import Finder, finder_for, is_finder
from runic.ogm.session.reads import check_pk_type

if TYPE_CHECKING:
    from runic.ogm.session.base import SessionBase
    from runic.ogm.session.bulk import BulkResult

__all__ = ["RepositoryBase"]

T = TypeVar("T")
S = TypeVar("S", bound="SessionBase")

Aggregate = Literal["sum", "avg", "min", "max"]
_AGGREGATES = {"sum": sum_, "avg": avg, "min": min_, "max": max_}

#: finder kind -> the session method that executes its statement
_TERMINALS = {
    "find": "scalars",
    "find_all": "scalars",
    "find_first": "scalar",
    "count": "count",
    "exists": "exists",
}


class RepositoryBase(Generic[S, T]):
    """Typed reads for one entity class ``T``, through a session of type ``S``."""

    #: whether the session's methods are coroutines (``AsyncRepository``)
    _asynchronous: ClassVar[bool] = False
    #: the entity class a subclass declares (``class Users(Repository[User])``)
    __runic_entity__: ClassVar[type[Any] | None] = None

    def __init__(self, session: S, entity_class: type[T] | None = None) -> None:
        declared = type(self).__runic_entity__
        if entity_class is None:
            if declared is None:
                name = type(self).__name__
                raise TypeError(
                    f"{name}(session) needs the entity class: {name}(session, User), "
                    f"or declare it on a subclass: class UserRepository({name}[User])"
                )
            entity_class = declared
        elif declared is not None and not issubclass(entity_class, declared):
            raise TypeError(
                f"{type(self).__name__} is declared for {declared.__name__}, "
                f"got entity class {entity_class.__name__}"
            )
        self._session = session
        self._cls: type[T] = entity_class
        self._meta = node_meta(entity_class)

    @property
    def session(self) -> S:
        """The session this repository reads through."""
        return self._session

    @property
    def entity_class(self) -> type[T]:
        """The class this repository serves."""
        return self._cls

    # -- statements -------------------------------------------------------------------

    def _all_stmt(self) -> Select[T]:
        return select(self._cls)

    def _exists_stmt(self, pk: Any) -> Select[T]:
        pk_field = self._meta.pk
        if pk_field is None:
            raise FieldValidationError(
                f"{self._cls.__name__} has no primary key: exists(pk) needs one; use "
                "session.exists(select(...).where(...))"
            )
        check_pk_type(self._meta, pk)
        return select(self._cls).where(pk_field == pk)

    def _aggregate(self, func: Aggregate, field: Any) -> tuple[Select[Any], Callable[[Any], Any]]:
        """The statement of ``func(field)`` and the function shaping its one value."""
        fd = self._field(field, func)
        stmt = select(self._cls).aggregate(_AGGREGATES[func](fd).as_("value"))
        converter = fd.converter if func in ("min", "max") else None

        def finish(value: Any) -> Any:
            if value is None:
                return 0 if func == "sum" else None
            return converter.from_graph(value) if converter is not None else value

        return stmt, finish

    def _field(self, field: Any, what: str) -> FieldDescriptor:
        fields = self._meta.fields
        cls = self._cls.__name__
        if isinstance(field, FieldDescriptor):
            if fields.get(field.name) is field:
                return field
            owner = getattr(field.owner, "__name__", "?")
            raise QueryBuildError(
                f"{cls} repository {what}(): {owner}.{field.name} is not a field of {cls} "
                f"(fields: {', '.join(sorted(fields))})"
            )
        if isinstance(field, str) and field in fields:
            return fields[field]
        raise QueryBuildError(
            f"{cls} repository {what}() takes a field of {cls} (a name or {cls}.<field>), "
            f"got {field!r}; {cls} has the fields {', '.join(sorted(fields))}"
        )

    # -- derived finders --------------------------------------------------------------

    def _derived(self, finder: Finder, args: Sequence[Any]) -> Any:
        """Run a derived finder (the session's result: awaitable on async sessions)."""
        if finder.kind == "delete":
            # a bulk delete through the session: it flushes first, sends one statement
            # and detaches the deleted entities it holds; the result is the count
            session: Any = self._session  # Session or AsyncSession
            result = session.execute(Delete(finder.statement(args)))
            return _rowcount(result) if self._asynchronous else result.rowcount
        terminal = getattr(self._session, _TERMINALS[finder.kind])
        return terminal(finder.statement(args))

    def __getattr__(self, name: str) -> Callable[..., Any]:
        """Derived finders (``find_by_<expr>``, ...): see :mod:`runic.ogm.repository.finders`."""
        cls = self.__dict__.get("_cls")
        if cls is None or not is_finder(name):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        finder = finder_for(cls, name)

        def derived(*args: Any) -> Any:
            return self._derived(finder, args)

        derived.__name__ = derived.__qualname__ = name
        return derived

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Implement the derived-finder stubs a subclass declares (typos fail here)."""
        super().__init_subclass__(**kwargs)
        entity = _declared_entity(cls)
        if entity is not None:
            cls.__runic_entity__ = entity
        for name, value in list(vars(cls).items()):
            if not (is_finder(name) and inspect.isfunction(value) and _is_stub(value)):
                continue
            if entity is None:
                raise TypeError(
                    f"{cls.__name__}.{name} is a derived-finder stub, but {cls.__name__} "
                    f"does not say its entity class: declare class {cls.__name__}"
                    f"({cls.__mro__[1].__name__}[User])"
                )
            try:
                finder = finder_for(entity, name)
            except AttributeError as exc:
                raise TypeError(f"{cls.__name__}.{name}: {exc}") from None
            setattr(cls, name, _implement(cls, finder, value))


async def _rowcount(result: Awaitable[BulkResult]) -> int:
    """The count of an awaited bulk statement (``AsyncRepository.delete_by_...``)."""
    return (await result).rowcount


def _declared_entity(cls: type[Any]) -> type[Any] | None:
    """The Node class in ``class X(Repository[User])`` (or inherited from a base)."""
    for base in getattr(cls, "__orig_bases__", ()):
        origin = typing.get_origin(base)
        if isinstance(origin, type) and issubclass(origin, RepositoryBase):
            for arg in typing.get_args(base):
                if isinstance(arg, type) and issubclass(arg, Node):
                    return arg
    inherited: type[Any] | None = getattr(cls, "__runic_entity__", None)
    return inherited


def _stub_bodies() -> set[tuple[bytes, tuple[str, ...]]]:
    def a(self: Any) -> None: ...

    def b(self: Any) -> None:
        """Doc."""

    def c(self: Any) -> None:
        raise NotImplementedError

    def d(self: Any) -> None:
        """Doc."""
        raise NotImplementedError

    async def e(self: Any) -> None: ...

    async def f(self: Any) -> None:
        """Doc."""

    async def g(self: Any) -> None:
        raise NotImplementedError

    async def h(self: Any) -> None:
        """Doc."""
        raise NotImplementedError

    return {(fn.__code__.co_code, fn.__code__.co_names) for fn in (a, b, c, d, e, f, g, h)}


_STUBS = _stub_bodies()


def _is_stub(function: types.FunctionType) -> bool:
    """Whether the body is only ``...`` / ``pass`` / ``raise NotImplementedError``."""
    code = function.__code__
    return (code.co_code, code.co_names) in _STUBS


def _implement(owner: type[Any], finder: Finder, stub: types.FunctionType) -> Any:
    """The method replacing ``stub``: checked against the parsed name, then generated."""
    name = f"{owner.__name__}.{stub.__name__}"
    asynchronous = getattr(owner, "_asynchronous", False)
    if inspect.iscoroutinefunction(stub) != asynchronous:
        want = "async def" if asynchronous else "def (not async def)"
        raise TypeError(f"{name}: a derived finder of {owner.__mro__[1].__name__} is {want}")
    signature = inspect.signature(stub)
    params = list(signature.parameters.values())[1:]
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) != len(params) or len(params) != finder.arity:
        raise TypeError(
            f"{name}() must take {finder.arity} argument{'' if finder.arity == 1 else 's'} "
            f"after self ({', '.join(finder.parameters) or 'none'}), as its name says; "
            f"it declares {signature}"
        )

    def arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        if not kwargs:
            return args
        return signature.bind(None, *args, **kwargs).args[1:]

    if asynchronous:

        async def run_async(self: RepositoryBase[Any, Any], *args: Any, **kwargs: Any) -> Any:
            return await self._derived(finder, arguments(args, kwargs))

        method: Callable[..., Any] = run_async
    else:

        def run(self: RepositoryBase[Any, Any], *args: Any, **kwargs: Any) -> Any:
            return self._derived(finder, arguments(args, kwargs))

        method = run
    functools.update_wrapper(method, stub)
    method.__runic_finder__ = finder  # type: ignore[attr-defined]
    return method
