#!/usr/bin/env python3
"""Read a log directory with tbparse and print its scalars as JSON lines {run, tag, step, value}.

Non-finite values are printed as the strings "nan", "inf", "-inf".
"""
import json
import math
import sys

from tbparse import SummaryReader


def encode(v):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


reader = SummaryReader(sys.argv[1], extra_columns={"dir_name"})
frame = reader.scalars
for row in frame.itertuples(index=False):
    print(json.dumps({"run": row.dir_name, "tag": row.tag, "step": int(row.step), "value": encode(float(row.value))}))
