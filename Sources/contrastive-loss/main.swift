// Placeholder entry point; replaced by the real command.
print("contrastive-loss: not implemented yet")
