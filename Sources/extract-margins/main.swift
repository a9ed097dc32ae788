// Placeholder entry point; replaced by the real command.
print("extract-margins: not implemented yet")
