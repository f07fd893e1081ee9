"""The narrative codebook: a versioned, multilingual catalogue of narratives, loaded from YAML.

A codebook file looks like::

    codebook: my-team            # a name
    version: "2025.2"            # required: every tag records the version it was made with
    narratives:
      - id: west-hostility
        title: The West is hostile to Russia and China
        description: ...
      - id: west-hostility.colour-revolutions
        parent: west-hostility
        title: The West organises colour revolutions
        description: ...
        claims:   {en: [...], ru: [...], zh: [...]}   # example claims: the semantic side of detection
        phrases:  {en: ["colo*r revolution*"], ru: ["цветн* революц*", "@colour-revolution"], zh: ["颜色革命"]}
        patterns: {en: ['\\bregime change\\b']}      # optional regular expressions
        # `@name` in phrases: the members of lockstep's term family `name` in that language
        actors: [RT, Xinhua]     # optional: only tag documents of these actors
        semeval: "URW: ..."      # optional: the SemEval-2025 Task 10 label this entry stands for

The packaged files in ``lockstep/data/codebook/`` load first; user files are merged on top: an entry with an id
that already exists overrides the fields it sets (``disabled: true`` removes it), a new id adds a narrative.
Errors name the file and line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import yaml

from lockstep.config import error_line
from lockstep.errors import ConfigError
from lockstep.terms.families import load_families

LANGUAGES = ("en", "ru", "zh")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$")
TOP_FIELDS = {"codebook", "version", "description", "narratives"}
NARRATIVE_FIELDS = {"id", "title", "parent", "description", "claims", "phrases", "patterns", "actors",
                    "semeval", "status", "disabled", "notes"}
STATUSES = ("active", "draft")


@dataclass(slots=True, frozen=True)
class Narrative:
    """One codebook entry. `claims` and `phrases` map a language code to a tuple of strings."""

    id: str
    title: str
    description: str = ""
    parent: str | None = None
    claims: dict[str, tuple[str, ...]] = field(default_factory=dict)
    phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    patterns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    actors: tuple[str, ...] = ()
    semeval: str | None = None
    status: str = "active"
    source: str = ""          # file:line where the entry was (last) defined

    def all_claims(self) -> list[tuple[str, str]]:
        """(language, claim) pairs."""
        return [(lang, claim) for lang, claims in self.claims.items() for claim in claims]


@dataclass(slots=True)
class Codebook:
    """Narratives by id, in file order, with the versions of the files they came from."""

    narratives: dict[str, Narrative]
    versions: list[tuple[str, str]]   # (codebook name, version) per file, in load order

    @property
    def version(self) -> str:
        """A version string recorded with every tag: names, versions and a hash of the content."""
        names = "+".join(f"{name}@{version}" for name, version in self.versions)
        return f"{names}#{self.fingerprint()[:8]}"

    def fingerprint(self) -> str:
        digest = hashlib.sha1()
        for item in self.narratives.values():
            digest.update(repr((item.id, item.parent, item.title, item.description, sorted(item.claims.items()),
                                sorted(item.phrases.items()), sorted(item.patterns.items()), item.actors,
                                item.status)).encode())
        return digest.hexdigest()

    def children(self, narrative_id: str | None) -> list[Narrative]:
        return [n for n in self.narratives.values() if n.parent == narrative_id]

    def ancestors(self, narrative_id: str) -> list[str]:
        out, current = [], self.narratives[narrative_id].parent
        while current:
            out.append(current)
            current = self.narratives[current].parent
        return out

    def level(self, narrative_id: str) -> int:
        """1 for a top-level narrative, 2 for a sub-narrative, and so on."""
        return len(self.ancestors(narrative_id)) + 1

    def top(self, narrative_id: str) -> str:
        chain = [narrative_id, *self.ancestors(narrative_id)]
        return chain[-1]

    def at_level(self, narrative_id: str, level: int) -> str | None:
        """The ancestor (or self) of `narrative_id` at `level`, or None when it is shallower."""
        chain = list(reversed([narrative_id, *self.ancestors(narrative_id)]))
        return chain[level - 1] if len(chain) >= level else None

    def subset(self, prefix: str | None) -> "Codebook":
        """Only the narratives under `prefix` (an id or id prefix such as `urw`)."""
        if not prefix:
            return self
        keep = {k: v for k, v in self.narratives.items() if k == prefix or k.startswith(prefix + ".")}
        return Codebook(keep, self.versions)

    def frame(self) -> "Any":
        import pandas as pd

        rows = [{"narrative": n.id, "level": self.level(n.id), "parent": n.parent, "title": n.title,
                 "claims": sum(len(c) for c in n.claims.values()),
                 "languages": ",".join(sorted(n.claims)),
                 "phrases": sum(len(p) for p in n.phrases.values()), "status": n.status,
                 "actors": ",".join(n.actors), "source": n.source} for n in self.narratives.values()]
        return pd.DataFrame(rows)


@dataclass(slots=True)
class Problem:
    """A validation problem with where it is."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


# ---- loading --------------------------------------------------------------------------------------------------


def default_files() -> list[Path]:
    folder = resources.files("lockstep") / "data" / "codebook"
    return sorted(Path(str(folder)).glob("*.yaml"))


def load_codebook(files: Iterable[str | Path] = (), *, include_default: bool = True) -> Codebook:
    """The packaged codebook overlaid by `files`; raises ConfigError naming file and line on any problem."""
    paths = [*(default_files() if include_default else []), *[Path(f) for f in files]]
    narratives: dict[str, Narrative] = {}
    versions: list[tuple[str, str]] = []
    for path in paths:
        entries, name, version, problems = parse_file(path)
        if problems:
            raise ConfigError("; ".join(str(p) for p in problems[:5]) +
                              (f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""))
        versions.append((name, version))
        merge(narratives, entries)
    problems = check_tree(narratives)
    if problems:
        raise ConfigError("; ".join(str(p) for p in problems[:5]))
    if not narratives:
        raise ConfigError("the codebook has no narratives")
    return Codebook(narratives, versions)


def merge(narratives: dict[str, Narrative], entries: list[tuple[dict[str, Any], str]]) -> None:
    """Add entries; an existing id is overridden field by field; `disabled: true` removes it."""
    for raw, where in entries:
        if raw.get("disabled"):
            narratives.pop(raw["id"], None)
            continue
        base = narratives.get(raw["id"])
        fields = to_fields(raw)
        narratives[raw["id"]] = replace(base, **fields, source=where) if base else Narrative(**fields, source=where)


def to_fields(raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("id", "title", "description", "parent", "semeval", "status"):
        if key in raw:
            out[key] = str(raw[key]).strip() if raw[key] is not None else None
    for key in ("claims", "phrases", "patterns"):
        if key in raw:
            out[key] = {lang: tuple(str(s).strip() for s in items) for lang, items in (raw[key] or {}).items()}
    if "actors" in raw:
        out["actors"] = tuple(str(a) for a in raw["actors"] or ())
    return out


def check_file(path: str | Path) -> list[Problem]:
    """All problems in one codebook file, checked together with the packaged codebook it extends."""
    path = Path(path)
    entries, _name, _version, problems = parse_file(path)
    if problems:
        return problems
    narratives: dict[str, Narrative] = {}
    for default in default_files():
        if default.resolve() != path.resolve():
            merge(narratives, parse_file(default)[0])
    merge(narratives, entries)
    return check_tree(narratives)


def parse_file(path: Path) -> tuple[list[tuple[dict[str, Any], str]], str, str, list[Problem]]:
    """(entries with file:line, codebook name, version, problems) for one file."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return [], "", "", [Problem(where, 0, f"cannot read ({exc.strerror or exc})")]
    except UnicodeDecodeError:
        return [], "", "", [Problem(where, 0, "not UTF-8 text")]
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        return [], "", "", [Problem(where, error_line(exc) or 0, f"invalid YAML: {getattr(exc, 'problem', exc)}")]
    return parse_root(root, where, path.stem)


def parse_root(root: yaml.Node | None, where: str, stem: str):
    problems: list[Problem] = []
    if not isinstance(root, yaml.MappingNode):
        return [], "", "", [Problem(where, line_of(root), "a codebook is a mapping with `version` and `narratives`")]
    top = mapping(root)
    for key, (knode, _v) in top.items():
        if key not in TOP_FIELDS:
            problems.append(Problem(where, line_of(knode), f"unknown field {key!r} (expected one of "
                                                          f"{', '.join(sorted(TOP_FIELDS))})"))
    version = scalar(top.get("version", (None, None))[1])
    if not version:
        problems.append(Problem(where, 1, "missing `version` (every tag records the codebook version)"))
    name = scalar(top.get("codebook", (None, None))[1]) or stem
    items = top.get("narratives", (None, None))[1]
    if not isinstance(items, yaml.SequenceNode):
        problems.append(Problem(where, line_of(items or root), "`narratives` must be a list of entries"))
        return [], name, version or "", problems
    entries = []
    seen: dict[str, int] = {}
    for node in items.value:
        raw, entry_problems = parse_entry(node, where)
        problems.extend(entry_problems)
        if raw is None:
            continue
        if raw["id"] in seen:
            problems.append(Problem(where, line_of(node), f"duplicate id {raw['id']!r} (first at line {seen[raw['id']]})"))
            continue
        seen[raw["id"]] = line_of(node)
        entries.append((raw, f"{where}:{line_of(node)}"))
    return entries, name, version or "", problems


def parse_entry(node: yaml.Node, where: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    line = line_of(node)
    if not isinstance(node, yaml.MappingNode):
        return None, [Problem(where, line, "each narrative is a mapping (id, title, description, ...)")]
    fields = mapping(node)
    problems = [Problem(where, line_of(k), f"unknown field {key!r} in a narrative (expected one of "
                                           f"{', '.join(sorted(NARRATIVE_FIELDS))})")
                for key, (k, _v) in fields.items() if key not in NARRATIVE_FIELDS]
    raw: dict[str, Any] = {}
    ident = scalar(fields.get("id", (None, None))[1])
    if not ident:
        return None, [*problems, Problem(where, line, "narrative without an `id`")]
    if not ID_PATTERN.match(ident):
        problems.append(Problem(where, line_of(fields["id"][1]), f"id {ident!r}: use lower-case letters, digits, "
                                                                 "'-', '_' and '.' between parts"))
    raw["id"] = ident
    for key in ("title", "description", "parent", "semeval", "status"):
        if key in fields:
            value_node = fields[key][1]
            if not isinstance(value_node, yaml.ScalarNode):
                problems.append(Problem(where, line_of(value_node), f"{ident}: `{key}` must be text"))
                continue
            raw[key] = scalar(value_node)
    if "status" in raw and raw["status"] not in STATUSES:
        problems.append(Problem(where, line_of(fields["status"][1]), f"{ident}: status must be one of {STATUSES}"))
    for key in ("claims", "phrases", "patterns"):
        if key in fields:
            value, found = language_lists(fields[key][1], where, ident, key)
            raw[key] = value
            problems.extend(found)
    if "actors" in fields:
        actors_node = fields["actors"][1]
        if not isinstance(actors_node, yaml.SequenceNode):
            problems.append(Problem(where, line_of(actors_node), f"{ident}: `actors` must be a list of actor names"))
        else:
            raw["actors"] = [scalar(a) for a in actors_node.value]
    if "disabled" in fields:
        raw["disabled"] = scalar(fields["disabled"][1]).lower() in ("true", "yes", "1")
    return raw, problems


def language_lists(node: yaml.Node, where: str, ident: str, key: str) -> tuple[dict[str, list[str]], list[Problem]]:
    problems: list[Problem] = []
    out: dict[str, list[str]] = {}
    if not isinstance(node, yaml.MappingNode):
        return out, [Problem(where, line_of(node), f"{ident}: `{key}` maps a language code (en, ru, zh) to a list")]
    for lang, (knode, vnode) in mapping(node).items():
        if not re.fullmatch(r"[a-z]{2}", lang):
            problems.append(Problem(where, line_of(knode), f"{ident}: {key}: {lang!r} is not an ISO 639-1 code"))
            continue
        if not isinstance(vnode, yaml.SequenceNode) or not all(isinstance(v, yaml.ScalarNode) for v in vnode.value):
            problems.append(Problem(where, line_of(vnode), f"{ident}: {key}.{lang} must be a list of strings"))
            continue
        values = [scalar(v) for v in vnode.value]
        for value, vn in zip(values, vnode.value):
            if not value.strip():
                problems.append(Problem(where, line_of(vn), f"{ident}: {key}.{lang} has an empty entry"))
            elif key == "phrases" and value.startswith("@") and not family_exists(value[1:]):
                problems.append(Problem(where, line_of(vn), f"{ident}: no term family {value[1:]!r} "
                                                            "(`@name` refers to lockstep's term families)"))
            elif key == "patterns":
                try:
                    re.compile(value)
                except re.error as exc:
                    problems.append(Problem(where, line_of(vn), f"{ident}: bad regular expression {value!r}: {exc}"))
        out[lang] = values
    return out, problems


def check_tree(narratives: dict[str, Narrative]) -> list[Problem]:
    """Parents exist, no cycles, every entry has a title and a description; detectable leaves have claims."""
    problems = []
    for item in narratives.values():
        file, _, line = item.source.rpartition(":")
        where, lineno = (file or item.source), int(line) if line.isdigit() else 0
        if not item.title:
            problems.append(Problem(where, lineno, f"{item.id}: missing `title`"))
        if not item.description:
            problems.append(Problem(where, lineno, f"{item.id}: missing `description`"))
        if item.parent and item.parent not in narratives:
            problems.append(Problem(where, lineno, f"{item.id}: parent {item.parent!r} is not in the codebook"))
            continue
        seen, current = {item.id}, item.parent
        while current and current in narratives:
            if current in seen:
                problems.append(Problem(where, lineno, f"{item.id}: parent chain loops through {current!r}"))
                break
            seen.add(current)
            current = narratives[current].parent
    return problems


# ---- yaml node helpers ----------------------------------------------------------------------------------------


def mapping(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    return {str(k.value): (k, v) for k, v in node.value}


def scalar(node: yaml.Node | None) -> str:
    if node is None or not isinstance(node, yaml.ScalarNode):
        return ""
    return str(node.value)


def line_of(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 0


def family_exists(name: str) -> bool:
    return name in load_families()


def draft_yaml(entries: list[dict[str, Any]], *, name: str = "draft", version: str = "0.1") -> str:
    """YAML text for a codebook file holding `entries` (used by `promote`)."""
    return yaml.safe_dump({"codebook": name, "version": version, "narratives": entries}, allow_unicode=True,
                          sort_keys=False, width=110)
