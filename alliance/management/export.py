"""The shape every export command shares: ``-o FILE`` written whole or not at all, else standard output."""

import sys
from contextlib import ExitStack

from alliance.exports import BOM, export_failed, whole_file
from alliance.management.base import AuditedCommand
from alliance.management.commands.verify_audit import Progress


class ExportCommand(AuditedCommand):
    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="File to write; standard output when omitted.")
        parser.add_argument("--progress", action="store_true", help="Draw a progress bar even when not on a terminal.")

    def export(self, options, total: int, write_all, *, csv: bool = True) -> Progress:
        """Call ``write_all(write, progress)``; a failure part-way exits non-zero and leaves no half file.
        A CSV file (``-o``) starts with a byte-order mark, as every CSV download does, so Excel reads £
        as it is; standard output, read by other programs through a pipe, has none."""
        progress = Progress(total, self.stderr, options["progress"] or sys.stderr.isatty())
        try:
            with ExitStack() as stack:
                if options["output"]:
                    write = stack.enter_context(whole_file(options["output"], newline="", encoding="utf-8"))
                    if csv:
                        write(BOM)
                else:

                    def write(text: str) -> None:
                        self.stdout.write(text, ending="")

                write_all(write, progress)
        except Exception as error:
            raise export_failed(error, options["output"], progress.done) from error
        finally:
            progress.finish()
        return progress
