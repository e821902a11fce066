"""Benchmark of ``simulate_aid``: the worked cases repeated to 10, 100, 1,000 and 5,000 cases.

Run: ``.venv/bin/python bench/simulate_aid.py``. Prints the wall time of each run (one
process, Django start-up included), the time per case, and the ratio of the time per case
at each size to the time per case at 1,000 (a flat ratio means linear cost).
"""

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = json.loads((ROOT / "tests" / "fixtures" / "aid-cases.json").read_text())


def run(count):
    cases = [CASES[i % len(CASES)]["input"] for i in range(count)]
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "simulate_aid"],
        cwd=ROOT,
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - start


def main():
    startup = min(run(1) for _ in range(3))
    print(f"start-up (1 case): {startup:.2f} s")
    rows = {count: run(count) for count in (10, 100, 1000, 5000)}
    per_case_1000 = (rows[1000] - startup) / 1000
    print(f"{'cases':>6} {'total s':>8} {'ms/case':>8} {'ratio':>6}")
    for count, seconds in rows.items():
        per_case = max(seconds - startup, 0) / count
        print(
            f"{count:>6} {seconds:>8.2f} {per_case * 1000:>8.3f} {per_case / per_case_1000:>6.2f}"
        )


if __name__ == "__main__":
    main()
