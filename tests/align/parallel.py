"""Parallel paragraphs in English, Russian and Chinese, written for lockstep's tests and benchmark (our own
translations; no parallel corpus ships in ../shared). Each is a statement of the kind state media pass along."""

PARALLEL = [
    ("Chinese Foreign Minister Wang Yi said on Monday that China firmly opposes the unilateral sanctions imposed on "
     "Russia by the United States and its allies.",
     "Министр иностранных дел Китая Ван И заявил в понедельник, что Китай решительно выступает против односторонних "
     "санкций, введенных против России США и их союзниками.",
     "中国外交部长王毅星期一表示，中方坚决反对美国及其盟友对俄罗斯实施的单边制裁。"),
    ("Foreign Ministry spokesperson Maria Zakharova said that NATO has been expanding eastward for 30 years despite "
     "its promises.",
     "Официальный представитель МИД Мария Захарова заявила, что НАТО расширяется на восток уже 30 лет вопреки "
     "своим обещаниям.",
     "外交部发言人扎哈罗娃表示，尽管北约作出过承诺，但30年来一直在向东扩张。"),
    ("The two presidents signed a joint statement on a new era of comprehensive strategic partnership in Beijing.",
     "Два президента подписали в Пекине совместное заявление о новой эпохе всеобъемлющего стратегического "
     "партнерства.",
     "两国元首在北京签署了关于新时代全面战略协作伙伴关系的联合声明。"),
    ("Russia and China will continue to deepen practical cooperation in energy, trade and finance, the joint "
     "communique said.",
     "Россия и Китай продолжат углублять практическое сотрудничество в области энергетики, торговли и финансов, "
     "говорится в совместном коммюнике.",
     "联合公报称，中俄将继续深化能源、贸易和金融领域的务实合作。"),
    ("The spokesperson urged Washington to stop selling weapons to Taiwan and to stop sending wrong signals to "
     "separatist forces.",
     "Официальный представитель призвал Вашингтон прекратить продажу оружия Тайваню и перестать посылать неверные "
     "сигналы сепаратистским силам.",
     "发言人敦促美方停止售台武器，停止向分裂势力发出错误信号。"),
    ("Moscow said that the expansion of the military alliance to the east poses a direct threat to its national "
     "security.",
     "В Москве заявили, что расширение военного альянса на восток представляет прямую угрозу ее национальной "
     "безопасности.",
     "莫斯科表示，该军事同盟向东扩张对其国家安全构成直接威胁。"),
    ("Trade between the two countries reached a record 190 billion dollars last year, according to customs data.",
     "Товарооборот между двумя странами в прошлом году достиг рекордных 190 миллиардов долларов, согласно данным "
     "таможни.",
     "海关数据显示，去年两国贸易额达到创纪录的1900亿美元。"),
    ("The foreign ministers discussed the situation in Afghanistan and agreed to coordinate their positions at the "
     "United Nations.",
     "Министры иностранных дел обсудили ситуацию в Афганистане и договорились координировать свои позиции в ООН.",
     "两国外长讨论了阿富汗局势，同意在联合国加强立场协调。"),
    ("Western sanctions have failed to achieve their goals and are hurting the economies of Europe itself, the "
     "minister said.",
     "Западные санкции не достигли своих целей и бьют по экономике самой Европы, заявил министр.",
     "这位部长表示，西方制裁未能实现其目标，反而损害了欧洲自身的经济。"),
    ("The Chinese side firmly opposes any form of official exchanges between the United States and the Taiwan "
     "region.",
     "Китайская сторона решительно выступает против любых форм официальных контактов между США и Тайванем.",
     "中方坚决反对美国与中国台湾地区进行任何形式的官方往来。"),
    ("President Xi Jinping and President Vladimir Putin held talks via video link on Wednesday.",
     "Председатель КНР Си Цзиньпин и президент России Владимир Путин провели в среду переговоры по видеосвязи.",
     "国家主席习近平星期三同俄罗斯总统普京举行视频会晤。"),
    ("Beijing will host the summit of the Shanghai Cooperation Organisation next year, the ministry announced.",
     "Пекин примет саммит Шанхайской организации сотрудничества в следующем году, объявили в министерстве.",
     "该部宣布，北京将于明年主办上海合作组织峰会。"),
]
