"""``python -m survey.cli``: the same as the ``trygghet`` command."""

from survey.cli import console

console()
