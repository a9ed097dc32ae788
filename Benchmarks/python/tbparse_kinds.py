#!/usr/bin/env python3
"""Time tbparse 0.0.9 reading a log directory, one dashboard kind at a time.

Usage: tbparse_kinds.py LOGDIR KIND...   (KIND: scalars, histograms, text, images, all)
Prints one JSON object: {kind: {"rows": n, "seconds": t} or {"error": text}}. Each kind is read
by a fresh SummaryReader(LOGDIR, event_types={kind}, extra_columns={"dir_name", "wall_time"})
and its DataFrame built, as a user would. "all" is one SummaryReader with tbparse's default
event types, then its scalars, histograms and text frames (rows summed). Images need
TensorFlow in tbparse (not installed).
"""
import json
import resource
import sys
import time

from tbparse import SummaryReader

result = {}
for kind in sys.argv[2:]:
    start = time.perf_counter()
    try:
        if kind == "all":
            reader = SummaryReader(sys.argv[1], extra_columns={"dir_name", "wall_time"})
            rows = sum(len(reader.get_events(k)) for k in ("scalars", "histograms", "text"))
            result[kind] = {"rows": int(rows), "seconds": time.perf_counter() - start}
            continue
        # tbparse keeps one tensor per tag unless "tensors" is among the event types, and text
        # lives in tensors: ask for both, as a user reading text must.
        types = {kind, "tensors"} if kind == "text" else {kind}
        reader = SummaryReader(sys.argv[1], event_types=types, extra_columns={"dir_name", "wall_time"})
        frame = reader.get_events(kind)
        result[kind] = {"rows": int(len(frame)), "seconds": time.perf_counter() - start}
    except Exception as error:  # tbparse raises for kinds it cannot read without TensorFlow
        result[kind] = {"error": "%s: %s" % (type(error).__name__, str(error).splitlines()[0] if str(error) else "")}
result["max_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps(result))
