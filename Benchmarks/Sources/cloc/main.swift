// Placeholder; replaced by the real benchmark.
print("cloc benchmark: not implemented yet")
