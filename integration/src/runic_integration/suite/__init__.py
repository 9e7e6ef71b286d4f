"""The behavioural suite: run it with ``pytest --pyargs runic_integration.suite``.

Every test is an ``async def`` body decorated with
:func:`~runic_integration.backend_test`; the plugin runs it per selected backend
and API mode, on an isolated graph, and it checks what ended up in the graph
through an independent driver or a second session.
"""
