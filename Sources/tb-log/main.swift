// Placeholder entry point; replaced by the real command.
print("tb-log: not implemented yet")
