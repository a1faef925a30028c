"""How help reads, the same in every group and command: whole one-line summaries (click would cut
them at 45 characters with "..."), and examples in an `Examples:` block at the end (the epilog)."""

from __future__ import annotations

import click


def summary(command: click.Command) -> str:
    """The whole first sentence of a command's help: its line in its group's list."""
    return command.get_short_help_str(limit=1_000)


def examples(*lines: str, after: str = "") -> str:
    """An epilog: `Examples:` and one indented line per example, then `after` (e.g. exit codes)."""
    block = "\b\nExamples:\n" + "".join(f"  {line}\n" for line in lines)
    return block + (f"\n{after}\n" if after else "")


class Group(click.Group):
    """A command group listing each subcommand with its whole summary; subgroups are Groups too."""

    group_class = type

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, summary(command)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
