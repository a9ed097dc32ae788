// Placeholder entry point; replaced by the real examples runner.
print("run-examples: not implemented yet")
