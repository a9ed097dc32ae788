#!/usr/bin/env python3
"""torch's own SummaryWriter writing N scalar events (tag "loss", steps 0..N-1), end to end
including close(): the peer figure next to the records benchmark's writer.

Usage: torch_writer.py N   (run with the compatibility venv's python, which has torch)
"""
import time, tempfile, os, sys
import torch
from torch.utils.tensorboard import SummaryWriter
n = int(sys.argv[1])
d = tempfile.mkdtemp()
t = time.perf_counter()
w = SummaryWriter(d)
for i in range(n):
    w.add_scalar("loss", 1.0 / (i + 1), global_step=i)
w.close()
s = time.perf_counter() - t
size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
print("torch %s SummaryWriter.add_scalar: %d events in %.1f s = %.1f k events/s, %.1f bytes/event" % (torch.__version__, n, s, n / s / 1e3, size / n))
