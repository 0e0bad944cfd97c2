"""The Docker sandbox: engine, base and run images, locked-down containers, warm pool, reaper."""
