"""What `pipeline-widget azureml NOTEBOOK` reads back from the notebook's last cell."""
from __future__ import annotations

from pipeline_widget.azureml.notebook import FAILED_MARK, stream_lines


def test_a_line_sent_in_several_messages_is_read_whole():
    """A busy kernel may flush between the parts of `print(mark, n)`: the mark and its
    count then come as separate stream outputs (seen in CI: the count was lost and the
    command ended in a traceback)."""
    outputs = [{"output_type": "stream", "name": "stdout", "text": "RANKED [1]\n"},
               {"output_type": "stream", "name": "stdout", "text": FAILED_MARK},
               {"output_type": "stream", "name": "stdout", "text": " 2\n"},
               {"output_type": "stream", "name": "stderr", "text": "note: a"},
               {"output_type": "stream", "name": "stderr", "text": "nd more\n"}]
    assert stream_lines(outputs) == [("stdout", "RANKED [1]"), ("stdout", f"{FAILED_MARK} 2"),
                                     ("stderr", "note: and more")]


def test_other_outputs_are_not_stream_text():
    outputs = [{"output_type": "display_data", "data": {"text/plain": "x"}},
               {"output_type": "stream", "name": "stdout", "text": "a\nb"}]
    assert stream_lines(outputs) == [("stdout", "a"), ("stdout", "b")]
