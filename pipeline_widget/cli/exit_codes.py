"""What the command line's exit code says; scripts and CI branch on it."""

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
# The output's reader went away (`| head`): 128 + SIGPIPE, as a shell reports a process that
# a closed pipe killed; the run was canceled and a sweep stopped.
EXIT_READER_GONE = 141
