"""One spelling of connection-pool settings for every backend's driver factories.

``pool_size`` (most connections open at once), ``pool_timeout`` (seconds a statement
waits for a free connection) and ``pool_min`` (connections kept open, where the client
has such a setting) are what every ``create_driver`` / ``create_async_driver`` takes;
each backend maps them to its client's own option with :func:`put_pool_setting`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["POOL_SETTINGS", "put_pool_setting"]

#: The pool keywords every backend's factories accept.
POOL_SETTINGS = ("pool_size", "pool_timeout", "pool_min")


def _check_value(backend: str, name: str, value: Any, error: type[Exception]) -> None:
    if name == "pool_timeout":
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise error(
                f"[{backend}] pool_timeout={value!r} is invalid; pass the number of seconds "
                "(> 0) a statement may wait for a free pooled connection"
            )
        return
    lowest = 1 if name == "pool_size" else 0
    if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
        what = "most connections open at once" if name == "pool_size" else "connections kept open"
        raise error(f"[{backend}] {name}={value!r} is invalid; pass an int >= {lowest} ({what})")


def put_pool_setting(
    backend: str,
    options: dict[str, Any],
    name: str,
    value: Any,
    client_key: str | None,
    *,
    error: type[Exception],
    unsupported: str = "",
) -> None:
    """Store runic's pool setting ``name=value`` in ``options`` under the client's ``client_key``.

    ``value`` ``None`` means "not given" (the client's default stays). ``client_key``
    ``None``: the client has no such setting; a value is then a
    :class:`~runic.ogm.registry.BackendSettingsError` saying why (``unsupported``).
    A bad value, or the client's own spelling given as well, raises ``error`` (the
    backend's settings error).
    """
    if value is None:
        return
    if client_key is None:
        from runic.ogm.registry import BackendSettingsError

        raise BackendSettingsError(
            f"[{backend}] {name}= is not supported: {unsupported}; drop {name}="
        )
    _check_value(backend, name, value, error)
    if client_key in options:
        raise error(
            f"[{backend}] pass {name}= or {client_key}= (the client's own name for it), "
            f"not both; {name}= is the spelling every runic backend accepts"
        )
    options[client_key] = value
