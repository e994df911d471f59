"""The registry as tables for research: tidy CSV with a data dictionary, and REDCap."""
