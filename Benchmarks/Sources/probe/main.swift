// Placeholder; replaced by the real benchmark.
print("probe benchmark: not implemented yet")
