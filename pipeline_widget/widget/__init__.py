"""The designer: an ipycytoscape canvas and ipywidgets panels over the core model."""
from .designer import PipelineDesigner

__all__ = ["PipelineDesigner"]
