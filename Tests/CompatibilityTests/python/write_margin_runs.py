#!/usr/bin/env python3
"""Write CLOC margin runs with the peers' writers, as the original loss.py logs them.

Usage: write_margin_runs.py OUTDIR
- OUTDIR/torch_multi: torch 2.15.0's torch.utils.tensorboard.SummaryWriter, tags C0-C1, C1-C2,
  C2-C3 at steps 0..9, then a restart writer with purge_step=6 (torch writes file_version +
  SessionLog START at step 6) logging steps 6..7 with new values. torch is required.
- OUTDIR/tbx_single: tensorboardX SummaryWriter, tag "Margin" at steps 0..4, plus other tags.
Prints the expected margins (float32 values as doubles) as JSON.
"""
import json
import sys
import time

import numpy as np

out = sys.argv[1]
try:
    import torch
except ImportError as error:  # required: fail the script, and the test with it
    raise SystemExit("torch is required (scripts/compat-requirements.txt, scripts/setup-compat-venv.sh): %s" % error)
from torch.utils.tensorboard import SummaryWriter as TorchWriter

w = TorchWriter(out + "/torch_multi")
for step in range(10):
    for i in range(3):
        w.add_scalar(f"C{i}-C{i+1}", torch.tensor(0.5 + 0.01 * step + 0.1 * i), global_step=step, walltime=1700000000.0 + step)
    w.add_scalar("loss", torch.tensor(1.0 / (step + 1)), global_step=step, walltime=1700000000.0 + step)
w.close()
time.sleep(1.1)  # a later file name (one second later), as a restarted job would have
w = TorchWriter(out + "/torch_multi", purge_step=6)
for step in (6, 7):
    for i in range(3):
        w.add_scalar(f"C{i}-C{i+1}", torch.tensor(0.25 + 0.1 * i + 0.01 * step), global_step=step, walltime=1700000100.0 + step)
w.close()

from tensorboardX import SummaryWriter

t = SummaryWriter(out + "/tbx_single")
for step in range(5):
    t.add_scalar("Margin", 0.47 + 0.02 * step, global_step=step)
    t.add_scalar("train/loss", 2.0 - step, global_step=step)
t.close()

f32 = lambda v: float(np.float32(v))
print(json.dumps({
    "torch_multi": [f32(0.25 + 0.1 * i + 0.07) for i in range(3)],
    "torch_multi_step5": [f32(0.5 + 0.05 + 0.1 * i) for i in range(3)],
    "tbx_single": [f32(0.47 + 0.08)],
}))
