"""The version of the runic-core distribution: its one source (read by hatch at build time)."""

__version__ = "0.2.0"
"""The installed runic-core version (``runic.ogm.__version__``)."""
