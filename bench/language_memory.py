"""Peak memory and time of language detection over the bundled sample, now (with the outlet's languages) and as
before issue 19 (every short Latin text through the 8-language high-accuracy models).

    python bench/language_memory.py [--before PATH_TO_OLD_language.py]

Prints the peak resident memory (MB) of this process after detecting the language of every sample headline and lead.
Run once per variant (a fresh process each: models stay loaded).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib.util
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
ACTOR = {"rt": "RT", "mfa": "MFA Russia", "kremlin": "Kremlin", "cgtn": "CGTN", "globaltimes": "Global Times",
         "xinhuanet": "Xinhua", "chinadaily": "China Daily", "bbc": "BBC"}


def sample_texts() -> list[tuple[str, str]]:
    out = []
    for name, text_col in (("ru-state-media-2022", "title"), ("cn-state-media-2022", "headline")):
        with gzip.open(ROOT / "sample" / f"{name}.csv.gz", "rt", encoding="utf-8") as fh:
            out += [(ACTOR[r["outlet"]], r[text_col]) for r in csv.DictReader(fh)]
    with gzip.open(ROOT / "sample" / "1tv-leads-2022-ru.csv.gz", "rt", encoding="utf-8") as fh:
        out += [("Channel One", r["title"]) for r in csv.DictReader(fh)]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="the language.py of before issue 19 (git show 2f2ad26:src/lockstep/enrich/"
                                         "language.py > old.py)")
    args = parser.parse_args()
    texts = sample_texts()
    started = time.perf_counter()
    if args.before:
        spec = importlib.util.spec_from_file_location("old_language", args.before)
        old = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(old)
        found = [old.detect_language(t) for _, t in texts]
    else:
        from lockstep.actors import load_registry
        from lockstep.enrich.language import detect_language

        registry = load_registry()
        found = [detect_language(t, registry.by_name(a).languages) for a, t in texts]
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    english = sum(f == "en" for (a, _), f in zip(texts, found) if a != "Channel One")
    print(f"{'before' if args.before else 'now'}: {len(texts)} texts, {seconds:.1f} s, peak memory {peak:.0f} MB, "
          f"English {english} of {sum(a != 'Channel One' for a, _ in texts)} English-set texts")


if __name__ == "__main__":
    main()
