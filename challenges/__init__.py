"""Challenge format: the models of challenge.toml and rubric.toml, their loader, the catalog."""
