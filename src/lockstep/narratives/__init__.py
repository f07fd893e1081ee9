"""Narratives: a versioned multilingual codebook, detection with evidence, discovery, human review.

    import lockstep
    from lockstep import narratives

    corpus = lockstep.open("corpus.duckdb")
    book = narratives.load_codebook(["team.yaml"])              # packaged codebook + your file
    report = narratives.tag(corpus, narratives.TagOptions(codebook_files=["team.yaml"]))
    table = narratives.prevalence(corpus, narratives.HitQuery(level=1, period="month"))
    first = narratives.first_appearance(corpus)
    spans = narratives.evidence(corpus, narratives.HitQuery(narrative="west-subversion"))
    narratives.review_tag(corpus, hit_id, "accept", coder="anna")
    kappa = narratives.agreement(corpus)
    found = narratives.discover(corpus)
    examples = narratives.read_semeval("semeval/EN", book)       # or read_labels("labels.csv", book)
    model = narratives.train_and_store(corpus, examples)          # then `tag` uses the learned detector
    sample = narratives.draw_sample(corpus, narratives.SampleOptions(per_stratum=30, seed=1))
    narratives.review_document(corpus, doc_id, ["world-order"], coder="anna")   # or import_reviews(corpus, "r.csv")
    table = narratives.corrected_prevalence(corpus)               # shares corrected for detector error, intervals

Modules: codebook (YAML, validation), lexical (phrases with offsets), detect (scores, hits), tagging (store runs),
calibrate (thresholds), review, agreement, prevalence (outputs), semeval (task label format), discover, cli;
learned detectors: labelled (examples), learned (features, arms), training, models (store), learned_tagging.
"""

from __future__ import annotations

from lockstep.narratives.agreement import agreement, cohen_kappa, krippendorff_alpha
from lockstep.narratives.calibrate import recalibrate
from lockstep.narratives.codebook import Codebook, Narrative, check_file, load_codebook
from lockstep.narratives.detect import DetectOptions, Detector
from lockstep.narratives.discover import DiscoverOptions, Promotion, discover, promote
from lockstep.narratives.prevalence import HitQuery, document_narratives, evidence, first_appearance, hits, prevalence
from lockstep.narratives.review import ReviewQueue, review_queue, review_tag, reviews
from lockstep.narratives.semeval import document_labels
from lockstep.narratives.tagging import TagOptions, TagReport, tag
from lockstep.narratives.labelled import read_reviews, read_semeval
from lockstep.narratives.labelled import read_table as read_labels
from lockstep.narratives.models import list_models
from lockstep.narratives.training import TrainOptions, train, train_and_store

# The functions named like their modules (agreement, discover, prevalence) are bound here after the modules
# load, so `narratives.prevalence(...)` is the function; import the module as `lockstep.narratives.prevalence`.
__all__ = ["Codebook", "DetectOptions", "Detector", "DiscoverOptions", "HitQuery", "Narrative", "Promotion",
           "ReviewQueue", "TagOptions", "TagReport", "TrainOptions", "agreement", "check_file", "cohen_kappa", "discover",
           "document_labels", "document_narratives", "evidence", "first_appearance", "hits", "krippendorff_alpha",
           "list_models", "load_codebook", "prevalence", "promote", "read_labels", "read_reviews", "read_semeval",
           "recalibrate", "review_queue", "review_tag", "reviews", "tag", "train", "train_and_store"]

# prevalence corrected for detector error: review samples, document reviews, the corrected shares
from lockstep.narratives.corrected import CorrectedQuery, corrected_prevalence  # noqa: E402
from lockstep.narratives.review import import_reviews, review_document  # noqa: E402
from lockstep.narratives.sampling import SampleOptions, draw_sample, sample_documents  # noqa: E402

__all__ += ["CorrectedQuery", "SampleOptions", "corrected_prevalence", "draw_sample", "import_reviews",
            "review_document", "sample_documents"]
