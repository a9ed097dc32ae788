// Placeholder; replaced by the real benchmark.
print("records benchmark: not implemented yet")
