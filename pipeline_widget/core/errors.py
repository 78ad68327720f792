"""The one exception type for mistakes a user can make and fix."""


class PipelineError(Exception):
    """A problem in the user's pipeline, files or arguments.

    The message names the step or data concerned and says what to do; views
    (the CLI, the widget) show it alone, without a traceback.
    """
