"""Intake: which URLs may reach git, fetching one commit, exporting the tree safely."""
