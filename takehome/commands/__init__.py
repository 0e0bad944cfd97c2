"""The subcommands of ``takehome``, one module per concern."""
