"""Russian and Chinese scraped pages built from real state-media sentences, with typical page debris."""

from __future__ import annotations

from lockstep.clean.scraped import clean_scraped

RU_BODY = [
    "Президент России Владимир Путин провел в Кремле переговоры с председателем КНР Си Цзиньпином, стороны "
    "обсудили широкий круг вопросов двустороннего сотрудничества и международной повестки.",
    "По словам главы государства, отношения между Россией и Китаем находятся на самом высоком уровне за всю "
    "историю и продолжают развиваться по всем направлениям, в том числе в торговле и энергетике.",
    "Стороны также подписали совместное заявление о дальнейшем углублении отношений всеобъемлющего партнерства и "
    "стратегического взаимодействия, которое вступает в новую эпоху, сообщили в пресс-службе.",
]
RU_PAGE = "\n\n".join(
    [
        "Главная",
        "Новости",
        "Политика",
        "Путин и Си Цзиньпин провели переговоры в Кремле",
        "9 марта 2021, 11:05",
        *RU_BODY[:2],
        "Читайте также: Лавров прокомментировал итоги встречи",
        RU_BODY[2],
        "Поделиться",
        "Подпишитесь на наш канал в Telegram",
        "Комментарии",
        "Войдите, чтобы оставить комментарий",
    ]
)

ZH_BODY = [
    "新华社北京3月9日电 国家主席习近平9日在人民大会堂同俄罗斯总统普京举行会谈。两国元首就双边关系和共同关心的国际和地区问题深入交换意见，一致同意继续深化两国全面战略协作伙伴关系。",
    "习近平指出，中俄关系是相互尊重、公平正义、合作共赢的新型国际关系的典范。双方要继续在涉及彼此核心利益的问题上相互坚定支持，推动各领域务实合作不断取得新成果。",
    "普京表示，俄方愿同中方一道，加强在联合国等多边框架内的协调和配合，共同维护以联合国为核心的国际体系，推动构建更加公正合理的国际秩序。",
]
ZH_PAGE = "\n\n".join(
    [
        "首页",
        "新闻",
        "习近平同俄罗斯总统普京举行会谈",
        "2021年3月9日 11:05 来源：新华社",
        *ZH_BODY,
        "分享到：",
        "相关新闻",
        "责任编辑：王某",
        "版权所有 未经授权禁止转载",
    ]
)


def test_russian_page() -> None:
    docs = clean_scraped(RU_PAGE)
    assert len(docs) == 1
    doc = docs[0]
    assert doc.title == "Путин и Си Цзиньпин провели переговоры в Кремле"
    assert doc.paragraphs() == RU_BODY
    assert (doc.published, doc.published_precision, doc.published_source) == ("2021-03-09T11:05", "minute", "byline")
    reasons = {r.text: r.reason for r in doc.removed}
    assert reasons["Читайте также: Лавров прокомментировал итоги встречи"] == "cross-link"
    assert reasons["Поделиться"] == "share/subscribe prompt"
    assert reasons["Комментарии"] == "comment prompt"


def test_chinese_page() -> None:
    docs = clean_scraped(ZH_PAGE)
    assert len(docs) == 1
    doc = docs[0]
    assert doc.title == "习近平同俄罗斯总统普京举行会谈"
    assert doc.paragraphs() == ZH_BODY
    assert (doc.published, doc.published_precision) == ("2021-03-09T11:05", "minute")
    assert doc.original_source == "新华社"
    removed = {r.text for r in doc.removed}
    assert {"分享到：", "相关新闻", "版权所有 未经授权禁止转载", "首页"} <= removed
