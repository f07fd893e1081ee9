"""Discovery: clusters of unexplained paragraphs, reproducible run to run, outlier share reported, promote."""

from __future__ import annotations

from lockstep.narratives.codebook import check_file, load_codebook
from lockstep.narratives.discover import DiscoverOptions, Promotion, discover, promote


def test_discovery_is_reproducible_and_reports_outliers(tagged):
    corpus, _ = tagged
    options = DiscoverOptions(min_cluster_size=5, min_chars=20)
    first = discover(corpus, options)
    second = discover(corpus, options)
    assert first.run_id == second.run_id
    assert first.members["cluster"].tolist() == second.members["cluster"].tolist()
    assert first.clusters["terms"].tolist() == second.clusters["terms"].tolist()
    assert 0.0 <= first.outlier_share < 0.5
    assert first.explained >= 3                              # tagged paragraphs are not clustered again
    assert not first.members["doc_id"].isin(["ru-colour", "zh-colour"]).any()
    assert len(first.clusters) >= 2
    # the weather and football reports fall into different clusters, each labelled by its own words
    members = first.members.assign(topic=first.members["doc_id"].str.split("-").str[0])
    clustered = members[members["cluster"] >= 0]
    purity = clustered.groupby("cluster")["topic"].agg(lambda s: s.value_counts(normalize=True).iloc[0])
    assert (purity >= 0.8).all()
    summary = dict(first.summary().values.tolist())
    assert summary["outlier share (in no cluster)"] == round(first.outlier_share, 4)
    row = first.clusters.iloc[0]
    assert row["terms"] and row["representative"] and row["first_seen"] is not None
    assert row["actors"] in ("BBC 100%", "Sky 100%") and row["languages"] == "en 100%"


def test_promote_writes_a_valid_draft(tagged, tmp_path):
    corpus, _ = tagged
    result = discover(corpus, DiscoverOptions(min_cluster_size=5, min_chars=20))
    path = tmp_path / "drafts.yaml"
    entry = promote(corpus, 0, Promotion(narrative_id="draft.cluster-0", title="Draft from cluster 0",
                                         run_id=result.run_id), path)
    assert entry["status"] == "draft" and entry["claims"]["en"]
    assert check_file(path) == []
    book = load_codebook([path])
    assert book.narratives["draft.cluster-0"].status == "draft"
    promote(corpus, 1, Promotion(narrative_id="draft.cluster-1", title="Second", run_id=result.run_id), path)
    assert {"draft.cluster-0", "draft.cluster-1"} <= set(load_codebook([path]).narratives)


def test_outliers_can_be_assigned_and_both_shares_are_reported(tagged):
    corpus, _ = tagged
    plain = discover(corpus, DiscoverOptions(min_cluster_size=5, min_chars=20, store=False))
    assigned = discover(corpus, DiscoverOptions(min_cluster_size=5, min_chars=20, assign_outliers=0.0, store=False))
    assert assigned.hdbscan_outlier_share == plain.outlier_share
    assert assigned.outlier_share <= plain.outlier_share
    assert assigned.run_id != plain.run_id
