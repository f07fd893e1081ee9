"""A small real store for the report and dashboard tests: the seed pages, a CSV of multilingual articles the
test writes (with a reprint), a hostile document, and one input that is skipped."""

from __future__ import annotations

import csv
from pathlib import Path

HOSTILE_TITLE = "<script>alert(1)</script> Sovereignty & friends"
HOSTILE_TEXT = ('Officials discussed sovereignty "><img src=x onerror=alert(1)> in a long statement.\n\n'
                "A second paragraph closes the </script><script>alert(2)</script> tag and keeps talking about "
                "multipolar world order and colour revolution for the record.")

ARTICLES = [
    # (outlet, published, title, text)
    ("rt.com", "2022-02-03", "West backs colour revolution in Kazakhstan",
     "Moscow says the West backs a colour revolution to undermine sovereignty in the region.\n\n"
     "The ministry said a multipolar world is replacing Western hegemony, and sovereignty must be respected."),
    ("rt.com", "2022-03-10", "Sanctions hurt Europe more than Russia",
     "Sanctions hurt Europe more than Russia, officials insisted, as energy prices rose again.\n\n"
     "Analysts in Moscow spoke of a multipolar world and of respect for sovereignty."),
    ("rt.com", "2022-04-12", "EU wants to prolong the conflict",
     "The EU wants to prolong the conflict by sending more weapons, the foreign ministry said.\n\n"
     "Moscow again warned against colour revolution tactics and false information campaigns."),
    ("xinhuanet.com", "2022-02-05", "China and Russia deepen strategic partnership",
     "China and Russia deepened their strategic partnership and mutual trust on sovereignty issues.\n\n"
     "Both sides oppose colour revolution and support a multipolar world, the joint statement said."),
    ("xinhuanet.com", "2022-03-15", "Cold War mentality harms peace",
     "A Cold War mentality and bloc confrontation harm peace, the spokesperson said.\n\n"
     "China respects the sovereignty and territorial integrity of all countries."),
    ("xinhuanet.com", "2022-04-20", "Mutual trust and core interests",
     "Core interests and mutual trust guide cooperation between the two countries.\n\n"
     "The spokesperson rejected false information spread by the United States about sovereignty."),
    ("bbc.co.uk", "2022-02-24", "Russia invades Ukraine",
     "Russian forces invaded Ukraine in the early hours, with explosions reported in Kyiv.\n\n"
     "World leaders condemned the attack and announced new sanctions."),
    ("bbc.co.uk", "2022-03-22", "Refugees cross into Poland",
     "More than three million refugees have crossed into Poland since the invasion began.\n\n"
     "Aid groups said sovereignty of Ukraine must be respected, according to reporters."),
    ("bbc.co.uk", "2022-04-08", "Energy prices climb in Europe",
     "Energy prices climbed across Europe as sanctions on Russian gas were debated.\n\n"
     "Economists warned of a long winter."),
    ("rt.com", "2022-04-25", "Запад поддерживает цветную революцию",
     "Запад поддерживает цветную революцию, заявили в Москве, говоря о суверенитете.\n\n"
     "Многополярный мир приходит на смену гегемонии Запада."),
    ("xinhuanet.com", "2022-04-26", "中方反对颜色革命",
     "中方坚决反对颜色革命，尊重各国主权和领土完整。\n\n多极化世界正在形成，冷战思维不得人心。"),
]
TOPICS = {  # more short, distinct articles per actor, so that alignment has enough documents per month
    "rt.com": [
        "Moscow says Western capitals back a colour revolution aimed at Belarus and its sovereignty.",
        "Energy exporters gain as sanctions boomerang on European households, the Kremlin claims.",
        "Lavrov describes a multipolar world order emerging in Asia, Africa and Latin America.",
        "Russian diplomats accuse NATO of stoking tension along the Baltic coast with new drills.",
        "State television airs a documentary about grain corridors through the Black Sea.",
        "Officials in Moscow reject false information about shelling near the nuclear plant.",
        "The foreign ministry summons an ambassador over remarks on historical memory of the war.",
        "Gas flows through the Nord Stream pipeline fall after turbine maintenance, Gazprom says.",
        "Russian farmers report a record wheat harvest despite restrictions on fertiliser exports.",
    ],
    "xinhuanet.com": [
        "Beijing opposes interference and any colour revolution, defending sovereignty of partners.",
        "Chinese envoy calls for mutual trust and respect for core interests at the United Nations.",
        "A multipolar world and true multilateralism serve developing countries, commentary says.",
        "Spokesperson urges Washington to abandon Cold War mentality and bloc confrontation in Asia.",
        "High-speed rail links between Kunming and Vientiane carry record passenger numbers.",
        "Customs data show trade with ASEAN members growing strongly in the first quarter.",
        "Premier stresses stable supply chains and cooperation at an economic forum in Tianjin.",
        "Scientists launch a satellite to monitor carbon emissions over the Tibetan plateau.",
        "Belt and Road projects in Kenya and Ethiopia open new industrial parks this spring.",
    ],
    "bbc.co.uk": [
        "Refugees queue for hours at a border crossing as trains from Lviv are delayed.",
        "Households face higher energy bills after the regulator raises the price cap.",
        "Ukrainian soldiers describe trench warfare around Bakhmut in interviews with reporters.",
        "Aid agencies warn of shortages of insulin and antibiotics in eastern hospitals.",
        "The central bank raises interest rates to fight inflation for a fifth time.",
        "Wimbledon bars players from Russia and Belarus, prompting debate in tennis.",
        "Drought leaves the Rhine too shallow for barges carrying coal and grain.",
        "A heatwave breaks temperature records across England and Wales.",
        "Investigators examine the sabotage of undersea cables near Shetland.",
    ],
}
EXTRA = [(outlet, f"2022-{2 + i // 3:02d}-{7 + 7 * (i % 3):02d}", text.split(" ")[0] + " " + " ".join(text.split(" ")[1:6]),
          text) for outlet, texts in TOPICS.items() for i, text in enumerate(texts)]
REPRINT = ("globaltimes.cn", "2022-02-06", "China and Russia deepen strategic partnership",
           ARTICLES[3][3])


def write_inputs(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    table = folder / "articles.csv"
    with table.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["outlet", "published", "title", "text"])
        for row in [*ARTICLES, *EXTRA, REPRINT, ("rt.com", "2022-05-02", HOSTILE_TITLE, HOSTILE_TEXT)]:
            writer.writerow(row)
    empty = folder / "empty.txt"
    empty.write_bytes(b"")
    return [table, empty]


def build_store(db: Path, inputs: Path, seeds: list[Path]) -> Path:
    import lockstep

    paths = [*write_inputs(inputs), *seeds]
    with lockstep.open(db) as corpus:
        corpus.ingest([str(p) for p in paths])
        prepare_analyses(corpus)
    return db


def prepare_analyses(corpus) -> None:
    """Build what the analyses cache in the store (the dashboard opens it read-only): the term index and the
    narrative tags."""
    from lockstep.narratives.tagging import TagOptions, tag
    from lockstep.terms import ensure_index

    ensure_index(corpus)
    tag(corpus, TagOptions())
