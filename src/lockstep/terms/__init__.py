"""Key terms across actors and languages: frequencies, keyness, concordances, collocations, usage divergence.

    import lockstep
    from lockstep import terms
    corpus = lockstep.open("corpus.duckdb")
    terms.top(corpus, terms.TopOptions(by=("actor",), period="month"))
    terms.trend(corpus, terms.TrendOptions(terms=("@colour-revolution",)))

Every function takes the corpus and a keyword-only options object and returns a DataFrame; the token index is
built (or brought up to date) on first use.
"""

from lockstep.terms.collocation import CollocateOptions, collocates
from lockstep.terms.concordance import KwicOptions, kwic
from lockstep.terms.families import Family, load_families
from lockstep.terms.frequency import TopOptions, TrendOptions, top, trend
from lockstep.terms.token_index import IndexOptions, IndexReport, ensure_index, update_index
from lockstep.terms.keyness import KeynessOptions, keyness
from lockstep.terms.usage import UsageOptions, UsageResult, usage

__all__ = ["CollocateOptions", "Family", "KwicOptions", "collocates", "kwic", "IndexOptions", "IndexReport", "KeynessOptions", "TopOptions", "TrendOptions", "ensure_index", "keyness",
           "load_families", "top", "trend", "update_index", "UsageOptions", "UsageResult", "usage"]
