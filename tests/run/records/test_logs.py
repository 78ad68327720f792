"""A step's logs are read from their end: a log may be larger than memory."""
import tracemalloc

from pipeline_widget.run.records.logs import end_of_file, tail_of_file
from pipeline_widget.run.records.model import TRACEBACK_TAIL

BIG = 256 << 20  # bytes of log before its last lines: reading it all would show in the peak


def test_the_tail_of_a_huge_log_is_read_from_its_end_in_bounded_memory(tmp_path):
    log = tmp_path / "stderr.txt"
    with open(log, "wb") as f:
        f.truncate(BIG)  # sparse: no disk spent on it
        f.seek(BIG)
        f.write(b"".join(b"line %d\n" % i for i in range(100)) + b"ValueError: bad value\n")
    tracemalloc.start()
    try:
        text = tail_of_file(log)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20
    lines = text.splitlines()
    assert len(lines) == TRACEBACK_TAIL and lines[-1] == "ValueError: bad value"
    assert lines[0] == f"line {100 - TRACEBACK_TAIL + 1}"


def test_a_cut_log_loses_its_partial_first_line_and_says_it_was_cut(tmp_path):
    log = tmp_path / "stdout.txt"
    log.write_bytes(b"x" * 50 + b"\nfirst whole line\nlast\n")
    assert end_of_file(log, 30) == ("first whole line\nlast\n", True)
    assert end_of_file(log, 1000) == (log.read_text(), False)
    log.write_bytes("é".encode() * 40)  # one long line, cut inside a character: kept, readable
    text, cut = end_of_file(log, 11)
    assert cut and text.endswith("é" * 5) and len(text) <= 11
    assert tail_of_file(tmp_path / "missing.txt") == ""
