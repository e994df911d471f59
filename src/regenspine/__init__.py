"""regenspine: decision aid and outcomes registry for stem cell therapy of spinal stenosis."""

__version__ = "0.1.0"
