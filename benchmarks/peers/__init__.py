"""Peer ORMs the benchmark compares runic with (one module each)."""
