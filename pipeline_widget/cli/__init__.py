"""The command line: `pipeline-widget run|validate|runs|show|rerun`, a view over run/."""
from .app import entry, main
from .exit_codes import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_READER_GONE

__all__ = ["main", "entry", "EXIT_OK", "EXIT_FAILED", "EXIT_BAD_INPUT", "EXIT_INTERRUPTED",
           "EXIT_READER_GONE"]
