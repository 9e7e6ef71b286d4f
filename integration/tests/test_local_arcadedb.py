"""The local ArcadeDB provider (arcadedb-embedded): it starts, answers, and stops by pid.

The runic ArcadeDB backend arrives with runic-bolt; until then this proves the
server side: HTTP and Bolt on 127.0.0.1, a database per test, stop by pid.
"""

from __future__ import annotations

from runic_integration import Unavailable
from runic_integration.backends.bolt import ArcadeDBProfile
from runic_integration.providers.arcadedb_http import ArcadeDBHttp
from runic_integration.providers.local_arcadedb import LocalArcadeDB
from runic_integration.testing import listening_addresses, pid_alive, unavailable_here


def test_local_arcadedb_starts_answers_and_stops() -> None:
    provider = LocalArcadeDB()
    try:
        server = provider.provide()
    except Unavailable as exc:
        unavailable_here(str(exc))
    try:
        settings = server.settings
        assert server.pid is not None and pid_alive(server.pid)
        assert settings["host"] == "127.0.0.1" and settings["username"] == "root"
        http_port = int(str(settings["http_url"]).rsplit(":", 1)[1])
        assert listening_addresses(http_port) == {"127.0.0.1"}
        assert listening_addresses(int(settings["port"])) == {"127.0.0.1"}

        # a database per test, created and dropped by the profile over HTTP
        profile = ArcadeDBProfile()
        kwargs = profile.open_graph(server, "runic_it_probe")
        assert kwargs == {
            "host": "127.0.0.1",
            "port": settings["port"],
            "username": "root",
            "password": settings["password"],
            "database": "runic_it_probe",
        }
        http = ArcadeDBHttp(str(settings["http_url"]), "root", str(settings["password"]))
        assert "runic_it_probe" in http.databases()
        rows = http.command(
            "runic_it_probe",
            "CREATE (n:Probe {name: $name}) RETURN n.name AS name",
            {"name": "héllo"},
        )
        assert rows == [{"name": "héllo"}]
        assert http.command("runic_it_probe", "MATCH (n:Probe) RETURN count(n) AS c") == [{"c": 1}]
        profile.close_graph(server, "runic_it_probe", kwargs)
        assert "runic_it_probe" not in http.databases()
    finally:
        server.stop()
    assert not pid_alive(server.pid)
    assert listening_addresses(int(server.settings["port"])) == set()
