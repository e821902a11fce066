"""Run ``manage.py`` with the arguments given, then write this process's own peak resident
memory (``VmHWM``, in kB) as the last line of stderr: ``VMHWM <kB>``.

Not ``ru_maxrss`` from ``wait4``: Linux carries a process's high-water mark across
``exec``, so a child started by a large benchmark would report the benchmark's peak."""

import atexit
import runpy
import sys
from pathlib import Path

MANAGE = Path(__file__).resolve().parent.parent / "manage.py"


def _report():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                sys.stderr.write(f"\nVMHWM {line.split()[1]}\n")


atexit.register(_report)
sys.argv = [str(MANAGE), *sys.argv[1:]]
runpy.run_path(str(MANAGE), run_name="__main__")
