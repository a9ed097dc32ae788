#!/usr/bin/env python3
"""Write event files with the peers' real writer code paths, for this project's reader.

Usage: write_with_peers.py OUTDIR
- OUTDIR/tbx: tensorboardX 2.6.5 SummaryWriter: scalars, a text, a histogram.
- OUTDIR/torch: tensorboard's EventFileWriter + Summary(simple_value), exactly torch's
  torch.utils.tensorboard path (torch is not installed; docs/reference/tensorboard-format.md, "Sources"), plus a TF2-style scalar
  tensor written through tensorboard.summary.Writer-like protos.
Prints a JSON description of what was written.
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

from tensorboard.compat.proto.event_pb2 import Event
from tensorboard.compat.proto.summary_pb2 import Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.summary.writer.event_file_writer import EventFileWriter

writer = EventFileWriter(out + "/torch")
for step in range(4):
    summary = Summary(value=[Summary.Value(tag="train/loss", simple_value=2.0 - step)])
    writer.add_event(Event(summary=summary, step=step, wall_time=1700000100.0 + step))
for step in range(3):
    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="scalars"))
    tensor = TensorProto(dtype=1, float_val=[0.5 * step])
    summary = Summary(value=[Summary.Value(tag="tf2/value", tensor=tensor, metadata=metadata)])
    writer.add_event(Event(summary=summary, step=step, wall_time=1700000200.0 + step))
writer.close()
expected["torch"] = {"train/loss": [[s, 2.0 - s] for s in range(4)], "tf2/value": [[s, 0.5 * s] for s in range(3)]}
print(json.dumps(expected))
