"""The codebook: packaged files, validation with line numbers, merging user files."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from lockstep.errors import ConfigError
from lockstep.cli.narratives import app
from lockstep.narratives.codebook import check_file, load_codebook

SEMEVAL = "taxonomies/semeval2025-t10"


def test_packaged_codebook_covers_seed_narratives_and_semeval(shared):
    book = load_codebook()
    for nid in ("west-subversion.colour-revolutions", "information-war.political-virus", "history.wwii-rewriting",
                "war-and-sanctions.sanctions-backfire", "war-and-sanctions.prolong-war", "world-order.multipolarity",
                "china-russia.pillar-of-stability"):
        narrative = book.narratives[nid]
        assert set(narrative.claims) == {"en", "ru", "zh"}, nid
        assert book.level(nid) == 2 and narrative.parent
    labels = {n.semeval for n in book.narratives.values() if n.semeval}
    wanted = {line.strip() for name in ("subtask2_narratives.txt", "subtask2_subnarratives.txt")
              for line in (shared / SEMEVAL / name).read_text().splitlines() if line.strip() not in ("", "Other")}
    assert wanted <= labels
    for narrative in book.narratives.values():
        if narrative.semeval and not narrative.id.endswith(".other"):
            assert narrative.claims.get("en") and narrative.claims.get("ru"), narrative.id
    assert "#" in book.version and "lockstep-state-diplomacy@1.0" in book.version


BAD = """codebook: mine
version: "0.1"
narratives:
  - id: grain
    title: Grain deal
    description: The grain deal is unfair.
    claims:
      en: The West took the grain.
  - id: grain.ports
    parent: grain
    title: Ports
    description: Ports.
    colour: red
  - id: orphan
    parent: nowhere
    title: Orphan
    description: Has no parent.
  - id: Bad Id
    title: x
    description: y
    patterns:
      en: ["(unclosed"]
"""


def test_check_reports_every_problem_with_its_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    problems = check_file(path)
    found = {(p.line, p.message.split(":")[0]) for p in problems}
    lines = {p.line for p in problems}
    assert 8 in lines          # claims.en is not a list
    assert 13 in lines         # unknown field colour
    assert 18 in lines         # invalid id
    assert 22 in lines         # bad regular expression
    assert all(str(p).startswith(f"{path}:") for p in problems), found
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:13:" in result.output.replace("\n", "")
    with pytest.raises(ConfigError, match="bad.yaml:8"):
        load_codebook([path])


def test_unknown_parent_is_reported_with_its_line(tmp_path):
    path = tmp_path / "orphan.yaml"
    path.write_text('version: "1"\nnarratives:\n  - id: orphan\n    parent: nowhere\n    title: O\n'
                    '    description: d\n', encoding="utf-8")
    assert [str(p) for p in check_file(path)] == [f"{path}:3: orphan: parent 'nowhere' is not in the codebook"]


def test_missing_version_and_invalid_yaml(tmp_path):
    path = tmp_path / "v.yaml"
    path.write_text("narratives: []\n", encoding="utf-8")
    assert "missing `version`" in str(check_file(path)[0])
    path.write_text("version: 1\nnarratives:\n  - id: a\n   title: broken indent\n", encoding="utf-8")
    problem = check_file(path)[0]
    assert problem.line == 4 and "invalid YAML" in problem.message


def test_user_files_override_add_and_disable(tmp_path):
    path = tmp_path / "team.yaml"
    path.write_text("""codebook: team
version: "3"
narratives:
  - id: west-subversion.colour-revolutions
    title: Colour revolutions (team wording)
  - id: world-order.west-decline
    disabled: true
  - id: grain-deal
    title: The grain deal only helps Western countries
    description: Ukrainian grain goes to rich countries, not to the poor.
    claims:
      en: [Most Ukrainian grain went to the EU, not to poor countries.]
""", encoding="utf-8")
    assert check_file(path) == []
    book = load_codebook([path])
    merged = book.narratives["west-subversion.colour-revolutions"]
    assert merged.title == "Colour revolutions (team wording)"
    assert "colo*r revolution*" in merged.phrases["en"]           # fields not set are kept
    assert merged.source.startswith(str(path))
    assert "world-order.west-decline" not in book.narratives
    assert book.narratives["grain-deal"].claims["en"]
    assert "team@3" in book.version and book.version != load_codebook().version


def test_phrases_can_name_term_families(tmp_path):
    from lockstep.narratives.lexical import Lexicon

    path = tmp_path / "families.yaml"
    path.write_text('version: "1"\nnarratives:\n  - id: cr\n    title: Colour revolutions\n    description: d\n'
                    '    phrases:\n      ru: ["@colour-revolution"]\n      en: ["@colour-revolution"]\n'
                    '  - id: bad\n    title: B\n    description: d\n    phrases:\n      en: ["@no-such-family"]\n',
                    encoding="utf-8")
    problems = check_file(path)
    assert [p.line for p in problems] == [13] and "no term family" in problems[0].message
    path.write_text(path.read_text(encoding="utf-8").split("  - id: bad")[0], encoding="utf-8")
    lexicon = Lexicon(load_codebook([path], include_default=False))
    text = "Власти говорят о цветных революциях."
    assert [text[m.start:m.end] for m in lexicon.find(text, "ru")] == ["цветных революциях"]
    assert lexicon.find("Western-backed colour revolutions", "en")


def test_package_exports_the_python_api():
    from lockstep import narratives

    for name in narratives.__all__:
        assert callable(getattr(narratives, name)) or isinstance(getattr(narratives, name), type), name
