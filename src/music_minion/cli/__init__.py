"""Command line: thin modules, one per command group; `main.run` is the entry point."""
