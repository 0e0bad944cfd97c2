"""The history grader and the only git readers of the measurement layer: the fetched copy read
only, the time window and the graded commit, the commits measured against it."""
