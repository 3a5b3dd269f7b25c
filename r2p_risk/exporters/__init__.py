"""Pure exporters: models in, bytes out. Nothing here writes files."""
