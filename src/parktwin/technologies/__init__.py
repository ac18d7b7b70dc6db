"""One module per technology (roadmap kind), registered in data/technology_kinds.csv (registry.py)."""
