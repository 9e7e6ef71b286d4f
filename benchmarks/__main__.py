"""``python -m benchmarks [--quick] [--json PATH] ...``"""

from benchmarks.cli import main

raise SystemExit(main())
