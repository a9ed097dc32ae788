// Placeholder entry point; replaced by the real command.
print("tb-export: not implemented yet")
