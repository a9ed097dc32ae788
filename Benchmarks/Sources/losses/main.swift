// Placeholder; replaced by the real benchmark.
print("losses benchmark: not implemented yet")
