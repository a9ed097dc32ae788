#!/usr/bin/env python3
"""Write a log directory holding every dashboard kind, or read one back the way the peers do.

Usage:
  kinds_logdir.py write OUTDIR            writes the runs below, prints nothing
  kinds_logdir.py read LOGDIR             prints {"accumulator": [rows], "tbparse": [rows], "tbparse_errors": {run: error}}
  kinds_logdir.py read-media LOGDIR       (TensorFlow venv) prints tbparse's images and audio:
                                          {"tbparse": [rows with "pixels" or "samples"], "tbparse_errors": {run: error}}
  kinds_logdir.py decode-export OUTDIR    prints {"rows": [tb-export's images and audio rows, files decoded
                                          into "pixels" or "samples" as TensorFlow decodes them]}

Runs written:
- tbx: tensorboardX 2.6.5 SummaryWriter (legacy protos): scalars, histograms, images, audio
  (torch's legacy Summary.Audio layout: tensorboardX's add_audio needs soundfile),
  text, a raw PR curve, custom-scalars layout, two hparams sessions (tbx/sess_a, tbx/sess_b).
- tf2: TF2 tensor layouts built with TensorBoard's own summary_v2 protos (no TensorFlow
  needed): scalar/histogram/text tensors, images as a [2 + n] string tensor (two images), audio
  as an [n, 2] string tensor (two clips, empty labels, WAV encoding in the plugin data), a PR
  curve, hparams config at the root of tf2 and a session tf2/trial.
- text2d: a TF2 2-D text tensor (tbparse raises on it).
- b_damaged: a file whose third record has a flipped payload byte.
- restart: tensorboardX, steps 0..9, then a second writer with purge_step=5 writing 5..9.
- torch: torch 2.15.0's own torch.utils.tensorboard.SummaryWriter, fed torch tensors:
  add_scalar (simple_value, new_style float32 and float64 tensors), add_scalars (sub-runs
  torch/phase_train, torch/phase_val), add_histogram (default and "auto" bins), add_image (CHW
  float and HW uint8), add_images, add_audio, add_text, add_pr_curve, add_pr_curve_raw,
  add_custom_scalars, add_hparams (sessions torch/sess_a, torch/sess_b). torch is required.
- torch_restart: torch, steps 0..9, then a second writer with purge_step=4 writing 4..7.

Rows (JSON): {"kind", "run", "tag", "step", "wall_time", ...per-kind keys as tb-export}; the
accumulator also gives each Custom Scalars layout as a "custom-scalars" row with "layout":
[[category, [[chart, "multiline", [tag, ...]] or [chart, "margin", [[value, lower, upper], ...]]]]].
"accumulator" reads each event file with EventAccumulator(purge_orphaned_data=False), which is
the raw order; "accumulator_purged" reads each run directory with purging on (TensorBoard's
restart handling) for scalars only. "tbparse" holds what tbparse 0.0.9 reports for scalars,
histograms, text, PR curves (from its tensors) and hparams, run by run. tbparse decodes images
and audio only with TensorFlow importable, which also changes how TensorBoard reads files, so
"read-media" runs from a separate venv with TensorFlow (scripts/compat-tf-requirements.txt).
"""
import base64
import io
import json
import math
import os
import struct
import sys
import wave

import numpy as np


def wav_bytes(samples, rate):
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(s * 32767)) for s in samples))
    return buffer.getvalue()


def png_bytes(width, height, seed):
    from PIL import Image

    rng = np.random.default_rng(seed)
    image = Image.fromarray(rng.integers(0, 255, size=(height, width, 3), dtype=np.uint8))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def write_torch(out):
    """The torch runs: every kind torch's own SummaryWriter writes, from torch tensors."""
    try:
        import torch
    except ImportError as error:  # required: fail the script, and the test with it
        raise SystemExit("torch is required (scripts/compat-requirements.txt, scripts/setup-compat-venv.sh): %s" % error)
    from torch.utils.tensorboard import SummaryWriter

    # Restart first: the peers order a run's files by name, and the name's last number is a
    # per-process counter of EventFileWriters, so the two restart files must get counters of
    # the same digit count (this process's first two).
    first = SummaryWriter(out + "/torch_restart")
    for step in range(10):
        first.add_scalar("r", torch.tensor(float(step)), global_step=step, walltime=1700000900.0 + step)
    first.close()
    written = os.listdir(out + "/torch_restart")
    second = SummaryWriter(out + "/torch_restart", purge_step=4)
    for step in range(4, 8):
        second.add_scalar("r", torch.tensor(200.0 + step), global_step=step, walltime=1700000950.0 + step)
    second.close()
    files = sorted(os.listdir(out + "/torch_restart"))
    if len(files) != 2 or files[0] != written[0]:
        raise SystemExit("torch_restart: the first writer's file %s does not sort first in %s" % (written, files))

    g = torch.Generator().manual_seed(0)
    w = SummaryWriter(out + "/torch")
    for step in range(4):
        t = 1700001000.0 + step
        loss = torch.tensor(1.0 / (step + 1))
        w.add_scalar("loss", loss, global_step=step, walltime=t)
        w.add_scalar("loss_tensor", loss * 2, global_step=step, walltime=t, new_style=True)
        w.add_scalar("loss_double", torch.tensor(1.0 / 3.0 + step, dtype=torch.float64), global_step=step, walltime=t, new_style=True, double_precision=True)
        w.add_scalars("phase", {"train": loss, "val": loss + 0.5}, global_step=step, walltime=t)
        w.add_histogram("weights", torch.randn(100, generator=g) + step, global_step=step, walltime=t)
        w.add_histogram("counts", torch.randint(0, 10, (50,), generator=g), global_step=step, walltime=t, bins="auto")
        w.add_image("img", torch.rand(3, 4, 5, generator=g), global_step=step, walltime=t)
        w.add_image("gray", torch.randint(0, 256, (6, 7), dtype=torch.uint8, generator=g), global_step=step, walltime=t, dataformats="HW")
        w.add_images("batch", torch.rand(3, 3, 4, 5, generator=g), global_step=step, walltime=t)
        w.add_audio("clip", torch.sin(torch.arange(800) / (10.0 + step)) * 0.5, global_step=step, sample_rate=8000, walltime=t)
        w.add_text("note", "torch **%d**" % step, global_step=step, walltime=t)
    labels = torch.randint(0, 2, (60,), generator=g)
    predictions = torch.rand(60, generator=g)
    w.add_pr_curve("pr", labels, predictions, global_step=1, num_thresholds=11, walltime=1700001100.0)
    tp = torch.tensor([10.0, 8.0, 5.0, 0.0])
    fp = torch.tensor([10.0, 4.0, 1.0, 0.0])
    tn = torch.tensor([0.0, 6.0, 9.0, 10.0])
    fn = torch.tensor([0.0, 2.0, 5.0, 10.0])
    w.add_pr_curve_raw("pr_raw", tp, fp, tn, fn, tp / torch.clamp(tp + fp, min=1), tp / (tp + fn), global_step=2, num_thresholds=4, walltime=1700001101.0)
    w.add_custom_scalars({"Training": {"losses": ["Multiline", ["loss", "loss_tensor"]], "band": ["Margin", ["loss", "loss_tensor", "loss_double"]]}})
    # torch types a bool as a FLOAT64 number and a tensor as its first element.
    w.add_hparams({"lr": 0.1, "optimizer": "adam", "nesterov": True, "decay": torch.tensor([0.1])}, {"hparam/accuracy": 0.75, "hparam/loss": 0.3}, run_name="sess_a")
    w.add_hparams({"lr": 0.01, "optimizer": "sgd", "nesterov": False, "decay": torch.tensor([0.5])}, {"hparam/accuracy": 0.5, "hparam/loss": 0.6}, run_name="sess_b")
    w.close()


def write(out):
    write_torch(out)
    from tensorboardX import SummaryWriter
    from tensorboardX.proto.summary_pb2 import Summary as TBXSummary

    w = SummaryWriter(out + "/tbx")
    rng = np.random.default_rng(0)
    for step in range(4):
        t = 1700000000.0 + step
        w.add_scalar("loss", 1.0 / (step + 1), global_step=step, walltime=t)
        w.add_histogram("weights", rng.normal(size=100), global_step=step, walltime=t)
        w.add_image("img", rng.integers(0, 255, size=(3, 4, 5), dtype=np.uint8), global_step=step, walltime=t)
        # tensorboardX's add_audio needs soundfile; torch's add_audio writes the same legacy
        # Summary.Audio with a WAV from Python's wave module, which is what this does.
        clip = wav_bytes(np.sin(np.arange(800) / 10.0) * 0.5, 8000)
        audio = TBXSummary.Audio(sample_rate=8000, num_channels=1, length_frames=800, encoded_audio_string=clip, content_type="audio/wav")
        w._get_file_writer().add_summary(TBXSummary(value=[TBXSummary.Value(tag="clip", audio=audio)]), step, t)
        w.add_text("note", "hello %d" % step, global_step=step, walltime=t)
    tp = np.array([10, 8, 5, 0], dtype=np.float64)
    fp = np.array([10, 4, 1, 0], dtype=np.float64)
    tn = np.array([0, 6, 9, 10], dtype=np.float64)
    fn = np.array([0, 2, 5, 10], dtype=np.float64)
    w.add_pr_curve_raw("pr", tp, fp, tn, fn, tp / np.maximum(tp + fp, 1), tp / (tp + fn), global_step=1, num_thresholds=4, walltime=1700000100.0)
    w.add_custom_scalars({"Training": {"losses": ["Multiline", ["loss"]]}})
    w.add_hparams({"lr": 0.1, "optimizer": "adam", "nesterov": True}, {"hparam/accuracy": 0.75}, name="sess_a")
    w.add_hparams({"lr": 0.01, "optimizer": "sgd", "nesterov": False}, {"hparam/accuracy": 0.5}, name="sess_b")
    w.close()

    from tensorboard.compat.proto.event_pb2 import Event
    from tensorboard.compat.proto.summary_pb2 import Summary, SummaryMetadata
    from tensorboard.compat.proto.tensor_pb2 import TensorProto
    from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
    from tensorboard.plugins.audio import metadata as audio_metadata
    from tensorboard.plugins.histogram import summary_v2 as histogram_v2
    from tensorboard.plugins.hparams import summary_v2 as hparams_v2
    from tensorboard.plugins.pr_curve.plugin_data_pb2 import PrCurvePluginData
    from tensorboard.plugins.scalar import summary_v2 as scalar_v2
    from tensorboard.plugins.text import summary_v2 as text_v2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    def shape(*dims):
        return TensorShapeProto(dim=[TensorShapeProto.Dim(size=d) for d in dims])

    def add(writer, summary, step, wall_time):
        writer.add_event(Event(summary=summary, step=step, wall_time=wall_time))

    tf2 = EventFileWriter(out + "/tf2")
    for step in range(3):
        t = 1700000200.0 + step
        add(tf2, scalar_v2.scalar_pb("acc", 0.25 * step), step, t)
        add(tf2, histogram_v2.histogram_pb("dist", rng.normal(size=50) + step, buckets=6), step, t)
        add(tf2, text_v2.text_pb("msg", "tf2 text %d" % step), step, t)
        images = [png_bytes(5, 3, step), png_bytes(5, 3, step + 10)]
        tensor = TensorProto(dtype=7, tensor_shape=shape(4), string_val=[b"5", b"3"] + images)
        meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="images"))
        add(tf2, Summary(value=[Summary.Value(tag="pics", tensor=tensor, metadata=meta)]), step, t)
        # tf.summary.audio's layout: one [clip, label] row per clip, labels empty, WAV encoding.
        clips = [wav_bytes(np.sin(np.arange(400) / (7.0 + k)) * 0.3, 16000) for k in (step, step + 10)]
        tensor = TensorProto(dtype=7, tensor_shape=shape(2, 2), string_val=[clips[0], b"", clips[1], b""])
        meta = audio_metadata.create_summary_metadata(display_name="", description="", encoding=audio_metadata.Encoding.Value("WAV"))
        add(tf2, Summary(value=[Summary.Value(tag="sound", tensor=tensor, metadata=meta)]), step, t)
    # pr_curve.summary.raw_data_pb needs TensorFlow; this is its layout: float32 [6, k] rows
    # TP, FP, TN, FN, precision, recall, plugin pr_curves with PrCurvePluginData.
    rows = np.array([[5, 3, 0], [5, 1, 0], [0, 4, 5], [0, 2, 5], [0.5, 0.75, 1.0], [1.0, 0.6, 0.0]], dtype=np.float32)
    content = PrCurvePluginData(version=0, num_thresholds=3).SerializeToString()
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="pr_curves", content=content))
    tensor = TensorProto(dtype=1, tensor_shape=shape(6, 3), float_val=rows.ravel().tolist())
    add(tf2, Summary(value=[Summary.Value(tag="curve", tensor=tensor, metadata=meta)]), 2, 1700000300.0)
    add(tf2, hparams_v2.hparams_config_pb(
        [hparams_v2.HParam("units", hparams_v2.Discrete([16, 32])), hparams_v2.HParam("dropout", hparams_v2.RealInterval(0.0, 0.5))],
        [hparams_v2.Metric("val_acc")]), 0, 1700000400.0)
    tf2.close()
    trial = EventFileWriter(out + "/tf2/trial")
    add(trial, hparams_v2.hparams_pb({"units": 32, "dropout": 0.25}), 0, 1700000401.0)
    for step in range(3):
        add(trial, scalar_v2.scalar_pb("val_acc", 0.5 + 0.1 * step), step, 1700000402.0 + step)
    trial.close()

    text2d = EventFileWriter(out + "/text2d")
    add(text2d, text_v2.text_pb("table", np.array([["a", "b", "c"], ["d", "e", "f"]], dtype=object)), 0, 1700000500.0)
    text2d.close()

    damaged = EventFileWriter(out + "/b_damaged")
    for step in range(5):
        add(damaged, scalar_v2.scalar_pb("x", float(step)), step, 1700000600.0 + step)
    damaged.close()
    path = os.path.join(out, "b_damaged", os.listdir(out + "/b_damaged")[0])
    data = bytearray(open(path, "rb").read())
    offset = 0
    for _ in range(3):  # skip file_version and two scalars: flip a byte of the third scalar's payload
        (length,) = struct.unpack_from("<Q", data, offset)
        offset += 12 + length + 4
    data[offset + 12 + 2] ^= 0xFF
    open(path, "wb").write(bytes(data))

    first = SummaryWriter(out + "/restart", filename_suffix=".a")
    for step in range(10):
        first.add_scalar("r", float(step), global_step=step, walltime=1700000700.0 + step)
    first.close()
    second = SummaryWriter(out + "/restart", purge_step=5, filename_suffix=".b")
    for step in range(5, 10):
        second.add_scalar("r", 100.0 + step, global_step=step, walltime=1700000800.0 + step)
    second.close()


def number(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def wav_rate(data):
    try:
        with wave.open(io.BytesIO(data)) as w:
            return w.getframerate()
    except Exception:
        return "NaN"


def accumulator_rows(logdir):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.plugins.custom_scalar.layout_pb2 import Layout
    from tensorboard.plugins.hparams.plugin_data_pb2 import HParamsPluginData
    from tensorboard.util.tensor_util import make_ndarray

    rows = []
    for directory, _, files in sorted(os.walk(logdir)):
        run = os.path.relpath(directory, logdir)
        run = "" if run == "." else run
        for name in sorted(f for f in files if "tfevents" in f):
            acc = EventAccumulator(os.path.join(directory, name), size_guidance={"scalars": 0, "histograms": 0, "images": 0, "audio": 0, "tensors": 0}, purge_orphaned_data=False)
            acc.Reload()
            tags = acc.Tags()

            def base(kind, tag, e):
                return {"kind": kind, "run": run, "tag": tag, "step": e.step, "wall_time": e.wall_time}

            for tag in tags["scalars"]:
                rows += [dict(base("scalars", tag, e), value=number(e.value)) for e in acc.Scalars(tag)]
            for tag in tags["histograms"]:
                for e in acc.Histograms(tag):
                    h = e.histogram_value
                    rows.append(dict(base("histograms", tag, e), bucket_limits=[number(x) for x in h.bucket_limit], bucket_counts=[number(x) for x in h.bucket],
                                     min=number(h.min), max=number(h.max), num=number(h.num), sum=number(h.sum), sum_squares=number(h.sum_squares)))
            for tag in tags["images"]:
                rows += [dict(base("images", tag, e), width=e.width, height=e.height, bytes=base64.b64encode(e.encoded_image_string).decode()) for e in acc.Images(tag)]
            for tag in tags["audio"]:
                rows += [dict(base("audio", tag, e), sample_rate=number(e.sample_rate), bytes=base64.b64encode(e.encoded_audio_string).decode()) for e in acc.Audio(tag)]
            for tag in tags["tensors"]:
                plugin = acc.SummaryMetadata(tag).plugin_data.plugin_name
                for e in acc.Tensors(tag):
                    a = make_ndarray(e.tensor_proto)
                    if plugin == "scalars":
                        rows.append(dict(base("scalars", tag, e), value=number(a.item())))
                    elif plugin == "histograms":
                        rows.append(dict(base("histograms", tag, e), bucket_limits=[number(x) for x in a[:, 1]], bucket_counts=[number(x) for x in a[:, 2]],
                                         min=number(a[0, 0]), max=number(a[-1, 1]), num=number(a[:, 2].sum()), sum="NaN", sum_squares="NaN"))
                    elif plugin == "images":
                        for i, encoded in enumerate(a[2:]):
                            rows.append(dict(base("images", tag, e), width=int(a[0]), height=int(a[1]), bytes=base64.b64encode(encoded).decode()))
                    elif plugin == "audio":
                        for clip in a.reshape(-1, 2):
                            rows.append(dict(base("audio", tag, e), sample_rate=number(wav_rate(clip[0])), bytes=base64.b64encode(clip[0]).decode()))
                    elif plugin == "text":
                        text = np.vectorize(lambda b: b.decode("utf-8"), otypes=[object])(a)
                        value = text.item() if text.size == 1 else text.tolist()
                        rows.append(dict(base("text", tag[: -len("/text_summary")] if tag.endswith("/text_summary") else tag, e), text=value))
                    elif plugin == "custom_scalars":
                        layout = Layout.FromString(a.item())
                        charts = lambda c: [[chart.title, "multiline", list(chart.multiline.tag)] if chart.WhichOneof("content") == "multiline"
                                            else [chart.title, "margin", [[m.value, m.lower, m.upper] for m in chart.margin.series]] for chart in c.chart]
                        rows.append(dict(base("custom-scalars", tag, e), layout=[[c.title, charts(c)] for c in layout.category]))
                    elif plugin == "pr_curves":
                        k = a.shape[1]
                        rows.append(dict(base("pr-curves", tag, e), thresholds=[number(x) for x in np.linspace(0.0, 1.0, k)],
                                         true_positives=[number(x) for x in a[0]], false_positives=[number(x) for x in a[1]],
                                         true_negatives=[number(x) for x in a[2]], false_negatives=[number(x) for x in a[3]],
                                         precision=[number(x) for x in a[4]], recall=[number(x) for x in a[5]]))
            contents = acc.PluginTagToContent("hparams") if "hparams" in acc._plugin_to_tag_to_content else {}
            for tag, content in contents.items():
                data = HParamsPluginData.FromString(content)
                if data.WhichOneof("data") == "session_start_info":
                    hp = {}
                    for key, value in data.session_start_info.hparams.items():
                        hp[key] = getattr(value, value.WhichOneof("kind"))
                    rows.append({"kind": "hparams", "run": run, "hparams": hp})
    return rows


def purged_scalars(logdir):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.util.tensor_util import make_ndarray

    rows = []
    for directory, _, files in sorted(os.walk(logdir)):
        if not any("tfevents" in f for f in files):
            continue
        run = os.path.relpath(directory, logdir)
        run = "" if run == "." else run
        acc = EventAccumulator(directory, size_guidance={"scalars": 0, "tensors": 0}, purge_orphaned_data=True)
        acc.Reload()
        for tag in acc.Tags()["scalars"]:
            rows += [{"run": run, "tag": tag, "step": e.step, "wall_time": e.wall_time, "value": number(e.value)} for e in acc.Scalars(tag)]
        for tag in acc.Tags()["tensors"]:
            if acc.SummaryMetadata(tag).plugin_data.plugin_name == "scalars":
                rows += [{"run": run, "tag": tag, "step": e.step, "wall_time": e.wall_time, "value": number(make_ndarray(e.tensor_proto).item())} for e in acc.Tensors(tag)]
    return rows


def tbparse_rows(logdir):
    from tbparse import SummaryReader

    rows, errors = [], {}
    runs = sorted({os.path.relpath(d, logdir) for d, _, files in os.walk(logdir) if any("tfevents" in f for f in files)})
    for run in runs:
        name = "" if run == "." else run
        path = os.path.join(logdir, run)
        files = sorted(f for f in os.listdir(path) if "tfevents" in f)
        try:
            for file in files:
                reader = SummaryReader(os.path.join(path, file), extra_columns={"wall_time", "min", "max", "num", "sum", "sum_squares"})
                for r in reader.scalars.itertuples(index=False):
                    rows.append({"kind": "scalars", "run": name, "tag": r.tag, "step": int(r.step), "wall_time": r.wall_time, "value": number(r.value)})
                for r in reader.histograms.itertuples(index=False):
                    rows.append({"kind": "histograms", "run": name, "tag": r.tag, "step": int(r.step), "wall_time": r.wall_time,
                                 "bucket_limits": [number(x) for x in r.limits], "bucket_counts": [number(x) for x in r.counts],
                                 "min": number(r.min), "max": number(r.max), "num": number(r.num), "sum": number(r.sum), "sum_squares": number(r.sum_squares)})
                tensors = reader.tensors
                for r in tensors.itertuples(index=False):
                    value = np.asarray(r.value)
                    if r.tag == "dist":  # the TF2 histogram (tbparse.tensors has no plugin column)
                        h = SummaryReader.tensor_to_histogram(value)
                        rows.append({"kind": "histograms", "run": name, "tag": r.tag, "step": int(r.step), "wall_time": r.wall_time,
                                     "bucket_limits": [number(x) for x in h["limits"][1:]], "bucket_counts": [number(x) for x in h["counts"][1:]],
                                     "min": number(h["min"]), "max": number(h["max"]), "num": number(h["num"]), "sum": "NaN", "sum_squares": "NaN"})
                    elif value.ndim == 2 and value.shape[0] == 6:  # a PR curve: rows TP, FP, TN, FN, precision, recall
                        rows.append({"kind": "pr-curves", "run": name, "tag": r.tag, "step": int(r.step), "wall_time": r.wall_time,
                                     "thresholds": [number(x) for x in np.linspace(0.0, 1.0, value.shape[1])],
                                     "true_positives": [number(x) for x in value[0]], "false_positives": [number(x) for x in value[1]],
                                     "true_negatives": [number(x) for x in value[2]], "false_negatives": [number(x) for x in value[3]],
                                     "precision": [number(x) for x in value[4]], "recall": [number(x) for x in value[5]]})
                    elif value.ndim == 0 and not isinstance(value.item(), bytes):
                        rows.append({"kind": "scalars", "run": name, "tag": r.tag, "step": int(r.step), "wall_time": r.wall_time, "value": number(value.item())})
                for r in reader.text.itertuples(index=False):
                    rows.append({"kind": "text", "run": name, "tag": r.tag, "step": int(r.step), "wall_time": r.wall_time, "text": r.value})
                hp = reader.hparams
                if len(hp):
                    rows.append({"kind": "hparams", "run": name, "hparams": {r.tag: (r.value.item() if hasattr(r.value, "item") else r.value) for r in hp.itertuples(index=False)}})
        except Exception as error:  # tbparse raises on some inputs (2-D text, damaged files)
            errors[name] = "%s: %s" % (type(error).__name__, error)
    return rows, errors


def tbparse_media_rows(logdir):
    """tbparse's images and audio, decoded by TensorFlow (run with the TensorFlow venv's python).

    Legacy Summary.Image/Audio values come from tbparse's `images` and `audio` frames; TF2
    image ([width, height, encoded...]) and audio ([[encoded, label], ...]) tensors come from its
    `tensors` frame through SummaryReader.tensor_to_image/tensor_to_audio, one row per image or
    clip. Width and height are the decoded array's."""
    from tbparse import SummaryReader

    def image_row(name, r, pixels):
        return {"kind": "images", "run": name, "tag": r.tag, "step": int(r.step), "wall_time": r.wall_time,
                "width": pixels.shape[1], "height": pixels.shape[0], "pixels": pixels.tolist()}

    def audio_row(name, r, samples, rate):
        return {"kind": "audio", "run": name, "tag": r.tag, "step": int(r.step), "wall_time": r.wall_time,
                "sample_rate": number(rate), "samples": [[float(x) for x in frame] for frame in samples]}

    rows, errors = [], {}
    runs = sorted({os.path.relpath(d, logdir) for d, _, files in os.walk(logdir) if any("tfevents" in f for f in files)})
    for run in runs:
        name = "" if run == "." else run
        path = os.path.join(logdir, run)
        try:
            for file in sorted(f for f in os.listdir(path) if "tfevents" in f):
                reader = SummaryReader(os.path.join(path, file), extra_columns={"wall_time", "sample_rate"}, event_types={"images", "audio", "tensors"})
                for r in reader.images.itertuples(index=False):
                    rows.append(image_row(name, r, np.asarray(r.value)))
                for r in reader.audio.itertuples(index=False):
                    rows.append(audio_row(name, r, np.asarray(r.value), r.sample_rate))
                for r in reader.tensors.itertuples(index=False):
                    value = np.asarray(r.value)
                    if value.dtype != object or value.size == 0:
                        continue
                    if value.ndim == 1 and value.size >= 3 and value[0].isdigit() and value[1].isdigit():  # TF2 images
                        images = SummaryReader.tensor_to_image(value)["image"]
                        for pixels in images if value.size > 3 else [images]:
                            rows.append(image_row(name, r, pixels))
                    elif value.ndim == 2 and value.shape[1] == 2 and all(clip.startswith(b"RIFF") for clip in value[:, 0]):  # TF2 audio
                        audio = SummaryReader.tensor_to_audio(value)
                        clips, rates = (audio["audio"], audio["sample_rate"]) if value.shape[0] > 1 else ([audio["audio"]], [audio["sample_rate"]])
                        for samples, rate in zip(clips, rates):
                            rows.append(audio_row(name, r, samples, rate))
        except Exception as error:
            errors[name] = "%s: %s" % (type(error).__name__, error)
    return rows, errors


def decoded_export_rows(outdir):
    """tb-export's images.jsonl and audio.jsonl rows with each file decoded as TensorFlow decodes
    it: PNG pixels as [height][width][channels] uint8 (palette expanded, gray keeping one
    channel), 16-bit PCM WAV samples as [frame][channel] float32 sample / 32768."""
    from PIL import Image

    rows = []
    for line in open(os.path.join(outdir, "images.jsonl")):
        row = json.loads(line)
        image = Image.open(os.path.join(outdir, row["file"]))
        if image.mode == "P":
            image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        elif image.mode == "1":
            image = image.convert("L")
        if image.mode not in ("L", "LA", "RGB", "RGBA"):
            raise SystemExit("%s: PNG mode %s is not decoded here" % (row["file"], image.mode))
        pixels = np.asarray(image, dtype=np.uint8)
        pixels = pixels.reshape(pixels.shape[0], pixels.shape[1], -1)
        rows.append(dict(row, kind="images", pixels=pixels.tolist()))
    for line in open(os.path.join(outdir, "audio.jsonl")):
        row = json.loads(line)
        with wave.open(os.path.join(outdir, row["file"])) as w:
            if w.getsampwidth() != 2:
                raise SystemExit("%s: %d-byte samples (TensorFlow decodes 16-bit PCM)" % (row["file"], w.getsampwidth()))
            frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").reshape(-1, w.getnchannels())
        samples = frames.astype(np.float32) * np.float32(1.0 / 32768)
        rows.append(dict(row, kind="audio", samples=[[float(x) for x in frame] for frame in samples]))
    return rows


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    elif sys.argv[1] == "read-media":
        rows, errors = tbparse_media_rows(sys.argv[2])
        print(json.dumps({"tbparse": rows, "tbparse_errors": errors}))
    elif sys.argv[1] == "decode-export":
        print(json.dumps({"rows": decoded_export_rows(sys.argv[2])}))
    else:
        rows, errors = tbparse_rows(sys.argv[2])
        print(json.dumps({"accumulator": accumulator_rows(sys.argv[2]), "accumulator_purged": purged_scalars(sys.argv[2]), "tbparse": rows, "tbparse_errors": errors}))
