#!/usr/bin/env python3
"""Write event files with the peers' real writer code paths, for this project's reader.

Usage: write_with_peers.py OUTDIR
- OUTDIR/tbx: tensorboardX 2.6.5 SummaryWriter: scalars, a text, a histogram.
- OUTDIR/torch: torch 2.15.0's torch.utils.tensorboard.SummaryWriter, fed torch tensors: scalars
  (simple_value, and new_style float32 tensors), a text, a histogram. torch is required.
- OUTDIR/tf2_tensor: TF2-style rank-0 DT_FLOAT scalar tensors (plugin "scalars") written with
  TensorBoard's own EventFileWriter.
Prints a JSON description of what was written: {run: {tag: [[step, value], ...]}}.
"""
import json
import sys

import numpy as np

out = sys.argv[1]
expected = {}

from tensorboardX import SummaryWriter as TBXWriter

w = TBXWriter(out + "/tbx")
for step in range(5):
    w.add_scalar("loss", 1.0 / (step + 1), global_step=step, walltime=1700000000.0 + step)
    w.add_scalar("group/acc", step * 0.25, global_step=step, walltime=1700000000.0 + step)
w.add_text("note", "hello", global_step=0)
w.add_histogram("weights", np.arange(10, dtype=np.float64), global_step=0)
w.close()
expected["tbx"] = {"loss": [[s, float(np.float32(1.0 / (s + 1)))] for s in range(5)],
                   "group/acc": [[s, s * 0.25] for s in range(5)]}

try:
    import torch
except ImportError as error:  # required: fail the script, and the test with it
    raise SystemExit("torch is required (scripts/compat-requirements.txt, scripts/setup-compat-venv.sh): %s" % error)
from torch.utils.tensorboard import SummaryWriter as TorchWriter

w = TorchWriter(out + "/torch")
for step in range(4):
    w.add_scalar("train/loss", torch.tensor(2.0 - step), global_step=step, walltime=1700000100.0 + step)
    w.add_scalar("train/acc", torch.tensor(0.2 * step), global_step=step, walltime=1700000100.0 + step, new_style=True)
w.add_text("note", "hello", global_step=0)
w.add_histogram("weights", torch.arange(10, dtype=torch.float64), global_step=0)
w.close()
expected["torch"] = {"train/loss": [[s, 2.0 - s] for s in range(4)],
                     "train/acc": [[s, float(np.float32(0.2 * s))] for s in range(4)]}

from tensorboard.compat.proto.event_pb2 import Event
from tensorboard.compat.proto.summary_pb2 import Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.summary.writer.event_file_writer import EventFileWriter

writer = EventFileWriter(out + "/tf2_tensor")
for step in range(3):
    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="scalars"))
    tensor = TensorProto(dtype=1, float_val=[0.5 * step])
    summary = Summary(value=[Summary.Value(tag="tf2/value", tensor=tensor, metadata=metadata)])
    writer.add_event(Event(summary=summary, step=step, wall_time=1700000200.0 + step))
writer.close()
expected["tf2_tensor"] = {"tf2/value": [[s, 0.5 * s] for s in range(3)]}
print(json.dumps(expected))
