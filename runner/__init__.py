"""Execution layer: intake (git), images, the Docker sandbox and the grading pipeline."""
