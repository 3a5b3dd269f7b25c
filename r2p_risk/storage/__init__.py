"""The only part of r2p-risk that reads or writes files and databases."""
