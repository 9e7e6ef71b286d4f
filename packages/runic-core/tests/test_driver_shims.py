"""The runic.ogm.driver.<backend> compatibility modules and their helper."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

import pytest

from runic.ogm.driver._shim import require_backend_package

SHIMS = [
    ("runic.ogm.driver.falkordb", "runic.falkordb", "runic-falkordb"),
    ("runic.ogm.driver.bolt", "runic.bolt", "runic-bolt"),
    ("runic.ogm.driver.arcadedb", "runic.bolt", "runic-bolt"),
    ("runic.ogm.driver.age", "runic.age", "runic-age"),
]


def test_missing_backend_package_names_the_pip_line() -> None:
    with pytest.raises(ImportError) as info:
        require_backend_package("runic.ogm.driver.nosuch", "runic.nosuch", "runic-nosuch")

    assert str(info.value) == (
        "runic.ogm.driver.nosuch re-exports runic.nosuch, which is not installed: "
        "pip install ./packages/runic-nosuch (from a runic checkout; not on PyPI)"
    )
    assert info.value.name == "runic.ogm.driver.nosuch"
    assert isinstance(info.value.__cause__, ModuleNotFoundError)


def test_import_error_inside_an_installed_backend_propagates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "runic_shim_probe"
    package.mkdir()
    (package / "__init__.py").write_text("import runic_shim_probe_missing_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "runic_shim_probe", raising=False)

    with pytest.raises(ModuleNotFoundError) as info:
        require_backend_package("shim", "runic_shim_probe", "runic-shim-probe")

    assert info.value.name == "runic_shim_probe_missing_dependency"


@pytest.mark.parametrize(("shim", "target", "distribution"), SHIMS)
def test_shim_reexports_its_backend_or_names_the_pip_line(
    shim: str, target: str, distribution: str
) -> None:
    sys.modules.pop(shim, None)
    if importlib.util.find_spec(target) is None:
        with pytest.raises(ImportError) as info:
            importlib.import_module(shim)
        assert str(info.value) == (
            f"{shim} re-exports {target}, which is not installed: "
            f"pip install ./packages/{distribution} (from a runic checkout; not on PyPI)"
        )
        return
    module = importlib.import_module(shim)
    backend = importlib.import_module(target)
    public = getattr(backend, "__all__", [n for n in vars(backend) if not n.startswith("_")])
    assert public, f"{target} exports nothing"
    for name in public:
        assert getattr(module, name) is getattr(backend, name), name
