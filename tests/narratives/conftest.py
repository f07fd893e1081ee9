"""Fixtures for the narrative tests: the embedding model loaded once, small stores built from documents."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import lockstep
from lockstep.store.writer import insert_documents


def make_doc(text: str, *, actor: str, published: str, language: str, duplicate_of: str | None = None,
             title: str = "", doc_id: str | None = None) -> dict:
    doc_id = doc_id or hashlib.sha1(f"{actor}|{published}|{text}".encode()).hexdigest()[:16]
    return {"id": doc_id, "title": title, "text": text, "outlet": actor, "actor": actor, "published": published,
            "language": language, "duplicate_of": duplicate_of, "cluster_id": duplicate_of or doc_id,
            "text_hash": hashlib.sha1(text.encode()).hexdigest(), "source": "test", "source_position": ""}


def build_store(path: Path, docs: list[dict]) -> lockstep.Corpus:
    corpus = lockstep.open(path)
    insert_documents(corpus.con, docs)
    return corpus


@pytest.fixture(scope="session")
def backend():
    from lockstep.enrich.embeddings import get_backend

    return get_backend()


@pytest.fixture()
def store(tmp_path):
    """`store(docs)` builds a fresh store holding these documents (see `make_doc`)."""
    def build(docs: list[dict]) -> lockstep.Corpus:
        return build_store(tmp_path / "corpus.duckdb", docs)

    return build


@pytest.fixture(scope="session")
def doc():
    return make_doc


# ---- a small tagged corpus shared by the detection, output and discovery tests ---------------------------------

WEATHER = ["Heavy rain and strong winds are expected in {city} on {day}, forecasters said.",
           "Temperatures in {city} will drop to minus five degrees by {day}, the weather service warned.",
           "Snowfall could disrupt traffic in {city} on {day}, according to the meteorological office."]
FOOTBALL = ["{city} United beat the visitors 3-1 on {day} to climb to second place in the league.",
            "The {city} striker scored twice on {day} as his team extended their unbeaten run.",
            "Fans in {city} celebrated a late winner on {day} that kept the cup hopes alive."]
CITIES = ["Manchester", "Leeds", "Bristol", "Glasgow", "Cardiff"]
DAYS = ["Monday", "Tuesday", "Saturday"]


def sample_documents() -> list[dict]:
    docs = [
        make_doc("Officials said the unrest had been organised from abroad.\n\n"
                 "Washington and Western foundations financed the street protests in order to topple the elected "
                 "government, a textbook colour revolution.", actor="RT", published="2022-03-01", language="en",
                 doc_id="en-colour"),
        make_doc("Массовые беспорядки в Минске были срежиссированы западными спецслужбами, которые пытались "
                 "устроить в Белоруссии очередную цветную революцию.", actor="TASS", published="2022-03-05",
                 language="ru", doc_id="ru-colour"),
        make_doc("西方国家在他国策划街头抗议和政变，企图推翻不听话的政府，这就是所谓的颜色革命。", actor="Xinhua",
                 published="2022-04-02", language="zh", doc_id="zh-colour"),
        make_doc("Антироссийские санкции ударили по самим европейцам: цены на газ и электричество в ЕС "
                 "выросли в разы, заводы закрываются.", actor="TASS", published="2022-06-10", language="ru",
                 doc_id="ru-sanctions"),
        # an exact reprint by the same actor and a reprint by another actor
        make_doc("Антироссийские санкции ударили по самим европейцам: цены на газ и электричество в ЕС "
                 "выросли в разы, заводы закрываются.", actor="TASS", published="2022-06-11", language="ru",
                 doc_id="ru-sanctions-copy", duplicate_of="ru-sanctions"),
        make_doc("Антироссийские санкции ударили по самим европейцам: цены на газ и электричество в ЕС "
                 "выросли в разы, заводы закрываются.", actor="RT", published="2022-06-12", language="ru",
                 doc_id="ru-sanctions-rt", duplicate_of="ru-sanctions"),
        make_doc("The minister opened a new bridge over the river on Friday.", actor="RT", published="2022-06-15",
                 language="en", doc_id="en-bridge"),
    ]
    for k, (template, topic) in enumerate([(t, "weather") for t in WEATHER] + [(t, "football") for t in FOOTBALL]):
        for i, city in enumerate(CITIES):
            for j, day in enumerate(DAYS):
                docs.append(make_doc(template.format(city=city, day=day), actor="BBC" if topic == "weather" else "Sky",
                                     published=f"2022-0{1 + j}-{10 + i}", language="en", doc_id=f"{topic}-{k}-{i}-{j}"))
    for doc in docs:
        if doc["duplicate_of"]:
            doc["cluster_id"] = doc["duplicate_of"]
    return docs


@pytest.fixture(scope="session")
def tagged(tmp_path_factory, backend):
    """A store with the sample documents, tagged with the packaged codebook."""
    from lockstep.narratives.tagging import tag

    corpus = build_store(tmp_path_factory.mktemp("tagged") / "corpus.duckdb", sample_documents())
    report = tag(corpus)
    yield corpus, report
    corpus.close()
