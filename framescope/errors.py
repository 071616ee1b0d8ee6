"""The error a user can fix, and the exit codes of every `framescope` command.

Exit codes: 0 clean; 3 finished, but some records were rejected; 2 usage error (bad option,
missing input, unloadable model); 1 internal error (a bug: the traceback is printed).
"""

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_REJECTS = 0, 1, 2, 3


class UserError(Exception):
    """Something the user can fix: printed as one line, exit code 2."""
