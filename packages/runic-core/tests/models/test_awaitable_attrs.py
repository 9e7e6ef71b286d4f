"""``entity.awaitable_attrs``: the reserved name and the errors (no database)."""

import asyncio

import pytest

from runic.ogm.core import Field, Node, Relation, node_meta
from runic.ogm.exceptions import DetachedEntityError, MetadataError


class Owner(Node, labels=["AwOwner"]):
    id: str = Field(primary_key=True)
    name: str = ""
    pets: list["Owner"] = Relation(relationship="AW_OWNS", target="Owner")


def test_a_field_named_awaitable_attrs_is_refused() -> None:
    with pytest.raises(MetadataError, match=r"Bad\.awaitable_attrs: 'awaitable_attrs' is reserved"):

        class Bad(Node):
            id: str = Field(primary_key=True)
            awaitable_attrs: str = ""

    with pytest.raises(MetadataError, match="is reserved"):

        class AlsoBad(Node):
            id: str = Field(primary_key=True)
            awaitable_attrs = Field(default="")


def test_awaitable_attrs_is_not_a_field_and_is_read_only() -> None:
    assert "awaitable_attrs" not in node_meta(Owner).fields
    owner = Owner(id="o", name="O")
    with pytest.raises(TypeError):
        Owner(id="p", awaitable_attrs=1)  # type: ignore[call-arg]
    with pytest.raises(AttributeError):
        owner.awaitable_attrs = None  # type: ignore[misc]
    with pytest.raises(AttributeError, match="read-only"):
        owner.awaitable_attrs.name = "x"


def test_unknown_name_names_the_class_and_its_relations() -> None:
    owner = Owner(id="o")
    with pytest.raises(AttributeError, match=r"Owner has no relation or field 'pest'.*: pets"):
        _ = owner.awaitable_attrs.pest


def test_transient_entity_gives_its_values_and_defaults() -> None:
    owner = Owner(id="o", name="O")
    assert asyncio.run(_await(owner, "name")) == "O"
    assert asyncio.run(_await(owner, "pets")) == []


def test_detached_entity_raises() -> None:
    from runic.ogm.core.state import STATE_KEY, EntityState

    owner = Owner(id="o")
    del owner.__dict__["pets"]
    state = EntityState(persistent=True)
    state.detached = True
    owner.__dict__[STATE_KEY] = state
    with pytest.raises(DetachedEntityError, match=r"Owner\.pets.*detached"):
        asyncio.run(_await(owner, "pets"))


async def _await(owner: Owner, name: str) -> object:
    return await getattr(owner.awaitable_attrs, name)
