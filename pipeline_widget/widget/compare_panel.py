"""The runs panel's "compare runs" section: the runs of the pipeline side by side, and one
chosen metric plotted across them."""
from __future__ import annotations

import ipywidgets as w

from ..core import PipelineError
from ..run import Pipeline
from ..run.compare import columns, summaries
from .compare_view import plot_svg, table_html


class ComparePanel(w.Accordion):
    """A folded section with the table, the metric to plot and the plot."""

    def __init__(self) -> None:
        self.table = w.HTML()
        self.table.add_class("pw-compare")
        self.metric = w.Dropdown(description="plot", options=[], layout=w.Layout(width="300px"))
        self.metric.add_class("pw-metric")
        self.metric.observe(lambda _: self._plot(), "value")
        self.plot = w.HTML()
        self.plot.add_class("pw-plot")
        self._summaries: list = []
        super().__init__([w.VBox([self.table, self.metric, self.plot])],
                         titles=("compare runs",), selected_index=None)

    def show(self, pipeline: Pipeline) -> None:
        """The runs of this pipeline side by side, and the chosen metric across them."""
        try:
            self._summaries = summaries(pipeline.workspace, pipeline.name)
        except (OSError, PipelineError):
            self._summaries = []
        self.table.value = table_html(self._summaries)
        metrics = columns(self._summaries)[1]
        if tuple(self.metric.options) != tuple(metrics):
            current = self.metric.value
            self.metric.options = metrics
            if metrics:
                self.metric.value = current if current in metrics else metrics[-1]
        self._plot()

    def _plot(self) -> None:
        self.plot.value = plot_svg(self._summaries, self.metric.value or "") \
            if self.metric.options else ""
