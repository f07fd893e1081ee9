"""Write src/lockstep/data/places.yaml: the places registry the tokenizer keeps whole (never lemmatised into a
common word: "Wales" is not the plural of "wale").

    pip install pycountry && python scripts/build_places.py

Countries: every ISO 3166-1 country of pycountry (its English `name` and `common_name`, the Russian name from its
iso3166-1 gettext catalogue, as shipped by the Debian iso-codes project, LGPL-2.1). Then a hand list of the
nations of the UK, the regions, cities and seas that the shared headline sets name most (English and Russian
spellings as the outlets write them). pycountry is needed only here, not at run time.
"""

from __future__ import annotations

import gettext
from pathlib import Path

import pycountry
import yaml

OUT = Path(__file__).resolve().parents[1] / "src" / "lockstep" / "data" / "places.yaml"
HAND = [  # (English names, Russian names)
    (["England"], ["Англия"]), (["Scotland"], ["Шотландия"]), (["Wales"], ["Уэльс"]),
    (["Northern Ireland"], ["Северная Ирландия"]), (["Britain", "Great Britain"], ["Британия", "Великобритания"]),
    (["Crimea"], ["Крым"]), (["Donbas", "Donbass"], ["Донбасс"]), (["Donetsk"], ["Донецк"]),
    (["Luhansk", "Lugansk"], ["Луганск"]), (["Kherson"], ["Херсон"]), (["Zaporozhye", "Zaporizhzhia"], ["Запорожье"]),
    (["Mariupol"], ["Мариуполь"]), (["Kharkov", "Kharkiv"], ["Харьков"]), (["Odessa", "Odesa"], ["Одесса"]),
    (["Kiev", "Kyiv"], ["Киев"]), (["Lviv", "Lvov"], ["Львов"]), (["Bucha"], ["Буча"]),
    (["Moscow"], ["Москва"]), (["St. Petersburg", "Petersburg"], ["Санкт-Петербург", "Петербург"]),
    (["Kaliningrad"], ["Калининград"]), (["Siberia"], ["Сибирь"]), (["Chechnya"], ["Чечня"]),
    (["Beijing"], ["Пекин"]), (["Shanghai"], ["Шанхай"]), (["Xinjiang"], ["Синьцзян"]), (["Tibet"], ["Тибет"]),
    (["Hong Kong"], ["Гонконг", "Сянган"]), (["Macao", "Macau"], ["Макао", "Аомынь"]), (["Taiwan"], ["Тайвань"]),
    (["Guangdong"], ["Гуандун"]), (["Shenzhen"], ["Шэньчжэнь"]), (["Wuhan"], ["Ухань"]), (["Hainan"], ["Хайнань"]),
    (["Sichuan"], ["Сычуань"]), (["Jilin"], ["Цзилинь"]), (["Shenyang"], ["Шэньян"]), (["Guangxi"], ["Гуанси"]),
    (["Washington"], ["Вашингтон"]), (["New York"], ["Нью-Йорк"]), (["London"], ["Лондон"]), (["Paris"], ["Париж"]),
    (["Berlin"], ["Берлин"]), (["Brussels"], ["Брюссель"]), (["Athens"], ["Афины"]), (["Geneva"], ["Женева"]),
    (["Vienna"], ["Вена"]), (["Warsaw"], ["Варшава"]), (["Minsk"], ["Минск"]), (["Tbilisi"], ["Тбилиси"]),
    (["Ankara"], ["Анкара"]), (["Istanbul"], ["Стамбул"]), (["Tehran"], ["Тегеран"]), (["Kabul"], ["Кабул"]),
    (["Damascus"], ["Дамаск"]), (["Tokyo"], ["Токио"]), (["Seoul"], ["Сеул"]), (["Pyongyang"], ["Пхеньян"]),
    (["New Delhi", "Delhi"], ["Нью-Дели", "Дели"]), (["Samarkand"], ["Самарканд"]), (["Cardiff"], ["Кардифф"]),
    (["Glasgow"], ["Глазго"]), (["Edinburgh"], ["Эдинбург"]), (["Hastings"], ["Гастингс"]),
    (["Falklands", "Falkland Islands"], ["Фолкленды", "Фолклендские острова"]),
    (["Balkans"], ["Балканы"]), (["Baltics"], ["Прибалтика"]), (["Caucasus"], ["Кавказ"]), (["Arctic"], ["Арктика"]),
    (["Antarctica"], ["Антарктида"]), (["Americas"], []), (["Europe"], ["Европа"]), (["Asia"], ["Азия"]),
    (["Africa"], ["Африка"]), (["Eurasia"], ["Евразия"]), (["Middle East"], ["Ближний Восток"]),
    (["South China Sea"], ["Южно-Китайское море"]), (["East China Sea"], ["Восточно-Китайское море"]),
    (["Black Sea"], ["Черное море"]), (["Baltic Sea"], ["Балтийское море"]), (["Taiwan Strait"], ["Тайваньский пролив"]),
]


def countries() -> list[dict]:
    russian = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    out = []
    for country in pycountry.countries:
        english = [country.name] + ([country.common_name] if getattr(country, "common_name", None) else [])
        out.append({"name": english[-1], "code": country.alpha_2,
                    "names": {"en": english, "ru": [russian.gettext(country.name)]}})
    return out


def main() -> None:
    places = countries() + [{"name": en[0], "names": {"en": en, **({"ru": ru} if ru else {})}} for en, ru in HAND]
    header = ("# lockstep places registry: names the tokenizer keeps whole (a place is never lemmatised into a common\n"
              "# word). Built by scripts/build_places.py: ISO 3166-1 countries from pycountry (English names; Russian\n"
              "# names from the iso-codes gettext catalogue, LGPL-2.1), then a hand list of regions, cities and seas\n"
              "# the shared headline sets name. Fields: name, code (ISO 3166-1 alpha-2 for countries), names per language.\n")
    body = yaml.safe_dump({"version": 1, "places": places}, allow_unicode=True, sort_keys=False, width=120,
                          default_flow_style=None)
    OUT.write_text(header + body, encoding="utf-8")
    print(f"{OUT}: {len(places)} places")


if __name__ == "__main__":
    main()
