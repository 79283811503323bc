"""Writes of the governance app: loading divisions, seeding grids and departments."""
