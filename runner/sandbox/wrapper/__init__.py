"""Files baked into every run image; they run inside the container with the system Python."""
