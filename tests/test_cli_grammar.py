"""One grammar across the command line (`--db`, `--output`, `--since/--until`, `--actor` repeatable and
comma-separated), and every `lockstep` command line the README and docs/ show parses as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer

from lockstep.cli import app
from lockstep.cli.options import actor_names, split_actors

ROOT = Path(__file__).resolve().parents[1]
COMMAND = typer.main.get_command(app)
SHARED = {"db": ["--db"], "since": ["--since"], "until": ["--until"]}


def is_group(command) -> bool:
    return hasattr(command, "commands")       # typer ships its own click: test for the trait, not the class


def commands(group=COMMAND, path: tuple[str, ...] = ()):
    """(path, command) for every group and command of the tree."""
    for name, command in group.commands.items():
        yield (*path, name), command
        if is_group(command):
            yield from commands(command, (*path, name))


def shown_command_lines() -> list[tuple[str, str]]:
    """(file:line, command line) of every `lockstep ...` line inside a fenced block of README.md and docs/*.md."""
    found = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        inside, pending, start = False, "", 0
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("```"):
                inside = not inside
                continue
            if not inside:
                continue
            if pending:
                pending += " " + line.strip()
            elif line.startswith("lockstep "):
                pending, start = line, number
            if pending and not pending.endswith("\\"):
                found.append((f"{path.name}:{start}", pending))
                pending = ""
            pending = pending[:-1] if pending.endswith("\\") else pending
    return found


def parse(words: list[str]) -> None:
    """Walk the command tree as click does and parse every level's options (raises on an unknown option)."""
    command, name = COMMAND, "lockstep"
    while is_group(command) and words and words[0] in command.commands:
        name, command, words = words[0], command.commands[words[0]], words[1:]
        if is_group(command) and not (words and words[0] in command.commands):
            context = command.make_context(name, list(words), resilient_parsing=False)
            words = [*getattr(context, "_protected_args", []), *context.args]
            if not words:
                return
    command.make_context(name, list(words), resilient_parsing=False)


def test_shared_options_have_one_spelling_everywhere():
    seen = set()
    for path, command in commands():
        for param in command.params:
            if param.name in SHARED:
                assert param.opts == SHARED[param.name], (path, param.opts)
                seen.add(param.name)
            if param.name == "output":
                assert "--output" in param.opts and "-o" in param.opts, (path, param.opts)
            if param.name in ("actor", "actors"):
                assert param.opts[0] == "--actor" and param.multiple, (path, param.opts)
                assert param.callback is not None, path
    assert seen == set(SHARED)


def test_actor_takes_repeats_and_commas():
    assert actor_names(["RT,CGTN", " BBC ", "MFA Russia"]) == ["RT", "CGTN", "BBC", "MFA Russia"]
    assert actor_names([]) is None and split_actors(None) is None
    context = COMMAND.commands["docs"].make_context("docs", ["--actor", "RT,CGTN", "--actors", "BBC"])
    assert context.params["actor"] == ["RT", "CGTN", "BBC"]


def test_the_actor_registry_file_has_its_own_name():
    ingest = {p.name: p for p in COMMAND.commands["ingest"].params}
    assert ingest["registry"].opts == ["--actor-registry"]
    assert ingest["registry_alias"].hidden                    # the older spelling still reads the file, with a note


LINES = shown_command_lines()


def test_a_wrong_command_line_fails_to_parse():
    for wrong in ("docs --actorz RT", "align --actor RT CGTN --perod month", "terms usage x --actor RT --window z",
                  "narratives tag --detector"):
        with pytest.raises(Exception, match="(?i)option|invalid|valid integer|requires"):
            parse(shlex.split(wrong))


def test_the_docs_show_command_lines():
    assert len(LINES) > 40 and any(line.startswith("lockstep align --actor") for _, line in LINES)


@pytest.mark.parametrize("where,line", LINES, ids=[where for where, _ in LINES])
def test_every_command_line_the_docs_show_parses(where, line):
    words = shlex.split(line, comments=True)[1:]
    try:
        parse(words)
    except Exception as exc:  # click's usage errors (typer's own copy of click)
        pytest.fail(f"{where}: `{line}`: {getattr(exc, 'format_message', exc.__str__)()}")
