"""The version of the runic-falkordb distribution: its one source (read by hatch at build time)."""

__version__ = "0.2.0"
