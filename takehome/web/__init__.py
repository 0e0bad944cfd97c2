"""The web surfaces: the GitHub push webhook and the candidate portal (``create_app``)."""
