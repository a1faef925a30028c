"""`sync [--artist A] [--all] [--full] [--dry-run] [--wait] [--push]` and `sync history`."""

from __future__ import annotations

from typing import Any

import click

from music_minion.cli.common import emit, json_option, wide_option
from music_minion.cli.helptext import Group, examples
from music_minion.cli.table import fixed, footer, table, text
from music_minion.timeutil import for_people as when
from music_minion.words import plural

EPILOG = """\b
Examples:
  music-minion sync                       check the artists that are due
  music-minion sync --all --json          check every watched artist, print the run summary
  music-minion sync --artist some-dj      check one artist now
  music-minion sync --full                re-walk everything, note what disappeared
  music-minion sync --dry-run             show who would be checked
  music-minion sync history               recent runs with their figures

Exit codes: 0 ok, 1 failed (or a config error), 2 bad usage, 3 partial (some artists failed;
they stay due).
"""


@click.group("sync", cls=Group, invoke_without_command=True, epilog=EPILOG)
@click.option(
    "--artist",
    "artists",
    multiple=True,
    metavar="A",
    help="Check this artist (URL, permalink, name or URN); repeatable.",
)
@click.option("--all", "everyone", is_flag=True, help="Check every watched artist, due or not.")
@click.option(
    "--full",
    is_flag=True,
    help="Re-walk whole lists (up to discovery.full_max_pages) and record what is gone.",
)
@click.option("--dry-run", is_flag=True, help="Show the plan; make no requests and write nothing.")
@click.option("--wait", is_flag=True, help="If another sync runs, wait for it instead of exiting.")
@click.option("--push", is_flag=True, help="After syncing, push the discovery playlist.")
@click.option("--no-learn", is_flag=True, help="Skip learning judgments from my SoundCloud likes.")
@json_option
@click.pass_context
def sync(
    ctx: click.Context,
    artists: tuple[str, ...],
    everyone: bool,
    full: bool,
    dry_run: bool,
    wait: bool,
    push: bool,
    no_learn: bool,
) -> None:
    """Collect what the watched artists like, repost and upload."""
    if ctx.invoked_subcommand is not None:
        return
    from music_minion import config
    from music_minion.discovery.sync_run import SyncOptions
    from music_minion.pipeline import dry_run as plan_only
    from music_minion.pipeline import run

    cfg = config.load()
    opts = SyncOptions(
        artists=artists,
        everyone=everyone,
        full=full,
        dry_run=dry_run,
        push=push,
        learn=not no_learn,
    )
    if dry_run:
        emit(plan_only(cfg, opts), _human_plan)
        return
    result = _with_progress(lambda progress: run(cfg, opts, wait=wait, progress=progress))
    summary = result.as_dict()
    emit(summary, _human_summary)
    if summary["status"] == "failed":
        ctx.exit(1)
    if summary["status"] == "partial":
        ctx.exit(3)


def _with_progress(fn: Any) -> Any:
    from rich.progress import TextColumn

    from music_minion.cli.common import progress

    bar = progress(TextColumn("{task.fields[info]}"))
    with bar:
        task = bar.add_task("artists", total=None, info="")

        def update(p: dict[str, Any]) -> None:
            info = f"new {p['tracks_new']} · req {p['requests']}"
            if p["rate_limited"] or p["wait_s"]:
                info += f" · waited {p['wait_s']} s ({p['rate_limited']}×429)"
            bar.update(task, total=p["artists_total"], completed=p["artists_done"], info=info)

        return fn(update)


def _human_plan(d: dict[str, Any]) -> None:
    retry = d["resolutions_to_retry"]
    click.echo(
        f"would check {plural(d['artists_planned'], 'artist')} × {', '.join(d['sources'])}"
        + (f"; {plural(retry, 'unresolved input')} to retry" if retry else "")
    )
    if d["artists"]:
        table(
            None,
            [text("artist"), fixed("urn"), fixed("interval h"), fixed("next check")],
            [
                [
                    a["artist"],
                    a["urn"],
                    a["check_interval_hours"],
                    when(a["next_check_at"]) or "now",
                ]
                for a in d["artists"]
            ],
        )


def _human_summary(d: dict[str, Any]) -> None:
    click.echo(
        f"sync {d['status']}: {d['artists_done']}/{plural(d['artists_planned'], 'artist')}, "
        f"{plural(d['tracks_new'], 'new track')}, {plural(d['provenance_new'], 'new pick')}, "
        f"{plural(d['requests'], 'request')} in {d['durations_s']['total']} s"
    )
    if d.get("full_walks"):
        click.echo(f"full walks: {d['full_walks']} (each list is walked whole every so often)")
    plan = d.get("plan") or {}
    if plan.get("due") == 0:
        click.echo(_nothing_due(plan.get("next_check_at")))
    if d.get("errors"):
        click.echo(
            "errors: " + ", ".join(f"{k} ×{v}" for k, v in sorted(d["errors"].items())), err=True
        )
    if d.get("provenance_gone") or d.get("tracks_deleted"):
        click.echo(
            f"gone from lists: {plural(d['provenance_gone'], 'pick')}; "
            f"deleted tracks: {d['tracks_deleted']}"
        )
    _human_learn(d.get("learn"))
    library = d.get("library")
    if isinstance(library, dict) and not library.get("skipped"):
        linked, review = library.get("exact", 0) + library.get("auto", 0), library.get("review", 0)
        if linked or review:
            click.echo(f"library: {plural(linked, 'file')} linked, {review} to review")
    for part in ("library", "learn", "push"):
        if isinstance(d.get(part), dict) and d[part].get("skipped"):
            click.echo(f"{part} skipped: {d[part].get('reason')}", err=True)
    _human_push(d.get("push"))
    _failed_artists(d.get("failed_artists") or [], d.get("failure_reasons") or {})


def _human_push(pushed: Any) -> None:
    """The push's one-line summary (and the mixes playlist's), when the sync pushed."""
    from music_minion.cli.playlist_cmd import push_line

    if not isinstance(pushed, dict) or "title" not in pushed:
        return
    for one in (pushed, pushed.get("mixes")):
        if isinstance(one, dict):
            click.echo(push_line(one))


def _human_learn(learn: Any) -> None:
    """What was learned from my likes and judgment playlists, and each source that failed, once."""
    if not isinstance(learn, dict) or learn.get("skipped"):
        return
    likes, judged = learn.get("likes") or {}, learn.get("judgments") or {}
    click.echo(
        f"learned: {plural(likes.get('new', 0), 'new like')} of mine; judgments "
        f"{judged.get('added', 0)} added, {judged.get('changed', 0)} changed, "
        f"{judged.get('removed', 0)} removed"
        + (
            f", {judged['suppressed']} undone before (not learned again)"
            if judged.get("suppressed")
            else ""
        )
    )
    for source, problem in (learn.get("errors") or {}).items():
        what = "my likes" if source == "likes" else f"the {source} playlist"
        click.echo(
            f"could not learn from {what}: {problem} (its judgments stay as they were)", err=True
        )


SHOWN_FAILED = 5


def _failed_artists(names: list[str], reasons: dict[str, int]) -> None:
    """The artists whose check failed (a few, then "+N more"), the commonest reason, and what to
    do next."""
    if not names:
        return
    shown = ", ".join(names[:SHOWN_FAILED])
    more = f" +{len(names) - SHOWN_FAILED} more" if len(names) > SHOWN_FAILED else ""
    why = f" — {next(iter(reasons))}" if reasons else ""
    others = f" (and {plural(len(reasons) - 1, 'other reason')})" if len(reasons) > 1 else ""
    click.echo(f"failed artists ({len(names)}): {shown}{more}{why}{others}", err=True)
    click.echo(
        "next: re-run `music-minion sync` — the failed artists stay due and are checked first",
        err=True,
    )


def _nothing_due(next_check_at: str | None) -> str:
    """Why a sync checked nobody, and what to do."""
    from music_minion.timeutil import now, parse_timestamp

    moment = parse_timestamp(next_check_at)
    if moment is None:
        return "no artist is due: nobody is watched yet (`music-minion artists add URL`)"
    hours = max((moment - now()).total_seconds() / 3600, 0)
    soon = f"in {hours:.0f} h" if hours >= 1 else f"in {hours * 60:.0f} min"
    return (
        f"no artist is due: the next check is {soon} ({when(next_check_at)}); "
        "`music-minion sync --all` checks every artist now"
    )


@sync.command(
    "history",
    epilog=examples("music-minion sync history", "music-minion sync history --limit 5 --json"),
)
@click.option(
    "--limit",
    default=20,
    show_default=True,
    type=click.IntRange(0),
    help="How many runs (0: all).",
)
@json_option
@wide_option
def history(limit: int) -> None:
    """Recent sync runs with their figures."""
    from music_minion.cli.common import open_db
    from music_minion.store import sync_runs

    db = open_db()
    runs, total = sync_runs.list_recent(db, limit or None), sync_runs.count_runs(db)

    def human(rs: list[dict[str, Any]]) -> None:
        table(
            "sync runs (new = tracks/picks)",
            [
                fixed("id"),
                fixed("started"),
                fixed("status"),
                fixed("artists"),
                fixed("new"),
                fixed("req"),
                text("errors"),
                fixed("s"),
            ],  # fmt: skip
            [
                [
                    r["id"],
                    when(r["started_at"]),
                    r["status"],
                    f"{r['artists_done']}/{r['artists_planned']}",
                    f"{r['tracks_new']}/{r['provenance_new']}",
                    r["requests"],
                    " ".join(f"{k}×{v}" for k, v in (r["stats"].get("errors") or {}).items()),
                    (r["stats"].get("durations_s") or {}).get("total", ""),
                ]
                for r in rs
            ],
            empty="no sync has run yet: `music-minion sync`",
            notes=[footer(len(rs), total)],
        )

    emit(runs, human, total=total)
