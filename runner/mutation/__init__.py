"""Mutation analysis of a hidden suite: mutants of the reference solution, graded in the
sandbox like a batch; a mutant the suite does not notice is a hole in the suite."""
