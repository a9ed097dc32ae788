// Placeholder entry point; replaced by the real command.
print("linear-probe: not implemented yet")
