"""runic's benchmark suite (issue 7): runic against the raw-client floor and falkordb-orm.

Run ``python -m benchmarks`` from the repository root (``--help`` for options). It
prints a markdown table and writes the raw figures as JSON.
"""
