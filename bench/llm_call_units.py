"""What the LLM detector would send for a whole corpus under each unit of a call (no model is called).

    python bench/llm_call_units.py                       # the bundled sample (4,000 headlines and 3 seed pages)
    python bench/llm_call_units.py --articles ../shared/corpus/extraction-benchmark/text

Each input is ingested into a temporary store; its paragraphs are cut into calls one paragraph at a time, one
document at a time, and packed by `llm_batches.pack` at several character budgets. Prompt tokens are estimated as
`--dry-run` estimates them (`llm_prompt.estimate_tokens`: the system prompt once per call plus the user message);
"x text" is prompt tokens over the tokens of the paragraph text alone. The README's "Unit of a call" table comes
from this script.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import lockstep
from lockstep.engines.local import IngestOptions
from lockstep.narratives import llm_prompt
from lockstep.narratives.codebook import load_codebook
from lockstep.narratives.llm_batches import Call, Pending, pack
from lockstep.narratives.llm_detector import document_chunks

ROOT = Path(__file__).resolve().parents[1]
BUDGETS = (1000, 2000, 4000, 8000, 16000)
QUICK_ARGS: list[str] = []


def paragraphs_of(path: Path) -> list[Pending]:
    with tempfile.TemporaryDirectory() as folder:
        with lockstep.open(Path(folder) / "units.duckdb") as corpus:
            corpus.ingest([path], IngestOptions(workers=2))
            return [Pending(d, k, t) for frame in document_chunks(corpus, None, 500)
                    for d, k, t in zip(frame["doc_id"], frame["key"], frame["text"])]


def report(name: str, paragraphs: list[Pending], system_tokens: int) -> None:
    documents: dict[str, list[Pending]] = {}
    for p in paragraphs:
        documents.setdefault(p.doc_id, []).append(p)
    text = sum(llm_prompt.estimate_tokens(p.text) for p in paragraphs)
    print(f"\n{name}: {len(documents)} documents, {len(paragraphs)} paragraphs, {text:,} tokens of text, "
          f"system prompt {system_tokens:,} tokens")
    units = {"one paragraph": [Call([p]) for p in paragraphs], "one document": [Call(ps) for ps in documents.values()]}
    units |= {f"packed, {chars:,} characters": pack(paragraphs, chars) for chars in BUDGETS}
    for unit, calls in units.items():
        tokens = sum(system_tokens + llm_prompt.estimate_tokens(c.user_message()) for c in calls)
        most = max(len(c.paragraphs) for c in calls)
        print(f"  {unit:28s} {len(calls):6,d} calls  {tokens:>12,d} prompt tokens  {tokens / text:6.1f} x text  "
              f"at most {most} paragraphs a call")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, action="append", default=[], help="another input to measure")
    args = parser.parse_args()
    system = llm_prompt.estimate_tokens(llm_prompt.build(load_codebook()).system)
    for path in [ROOT / "sample", *args.articles]:
        report(str(path), paragraphs_of(path), system)


if __name__ == "__main__":
    main()
