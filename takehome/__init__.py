"""Application shell: the click CLI, settings and the one error boundary."""
