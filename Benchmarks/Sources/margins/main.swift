// Placeholder; replaced by the real benchmark.
print("margins benchmark: not implemented yet")
