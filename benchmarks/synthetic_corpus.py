"""Synthetic regulation-provision corpus + fixed query set (deterministic). Adapted from
../shared/bench/corpus.py, so figures are comparable with the reference figures in the search issue.

Each record: id, document, title, article, industry, dtype, year, body.
body is 300-1500 chars of English regulation language with Chinese terms
(about 1 in 4 provisions also carries a full Chinese sentence).
Word choice is Zipf-like so that query terms span common .. rare.

Also exports QUERIES (50 queries, 4 kinds).
"""

import random

INDUSTRIES = [
    "cement",
    "steel",
    "chemical",
    "power",
    "textile",
    "mining",
    "pharmaceutical",
    "paper",
    "petroleum",
    "electroplating",
    "glass",
    "tannery",
    "fertilizer",
    "coking",
    "nonferrous",
    "livestock",
    "printing",
    "semiconductor",
    "shipbuilding",
    "waste",
]
DTYPES = ["law", "regulation", "standard", "guideline", "notice", "measure"]
DOC_STEMS = [
    "Air Pollution Prevention and Control",
    "Water Pollution Prevention and Control",
    "Solid Waste Pollution Prevention",
    "Soil Pollution Prevention",
    "Environmental Protection",
    "Environmental Impact Assessment",
    "Pollutant Discharge Permit Management",
    "Noise Pollution Prevention",
    "Hazardous Chemicals Safety Management",
    "Emission Standard for Industrial Boilers",
    "Integrated Wastewater Discharge Standard",
    "Clean Production Promotion",
    "Radioactive Pollution Prevention",
    "Marine Environment Protection",
    "Volatile Organic Compounds Control",
    "Greenhouse Gas Emission Reporting",
    "Environmental Information Disclosure",
    "Ecological Compensation",
    "Carbon Emission Trading",
    "Environmental Monitoring Data Quality",
]
DOC_SUFFIX = {
    "law": "Law",
    "regulation": "Regulations",
    "standard": "Standard",
    "guideline": "Technical Guideline",
    "notice": "Notice",
    "measure": "Administrative Measures",
}

SUBJECTS = [
    "The operator",
    "The enterprise",
    "The permit holder",
    "The competent environmental authority",
    "The local people's government",
    "The owner of the facility",
    "The pollutant discharging unit",
    "The monitoring agency",
    "The construction unit",
    "The ecological environment department",
    "Any unit or individual",
    "The key pollutant discharging entity",
]
MODALS = ["shall", "shall", "shall", "must", "may", "shall not", "must not", "is required to"]
VERBS = [
    "monitor",
    "report",
    "discharge",
    "install",
    "maintain",
    "record",
    "disclose",
    "submit",
    "inspect",
    "verify",
    "treat",
    "store",
    "transport",
    "dispose of",
    "reduce",
    "control",
    "sample",
    "calibrate",
    "register",
    "rectify",
    "suspend",
    "revoke",
    "approve",
    "assess",
    "publish",
    "retain",
    "notify",
]
OBJECTS = [
    "sulphur dioxide emissions",
    "nitrogen oxides",
    "particulate matter",
    "volatile organic compounds",
    "wastewater",
    "effluent",
    "hazardous waste",
    "sludge",
    "heavy metals",
    "mercury",
    "cadmium",
    "lead",
    "arsenic",
    "chromium",
    "dioxins",
    "ammonia nitrogen",
    "chemical oxygen demand",
    "total phosphorus",
    "fugitive dust",
    "odour",
    "noise",
    "greenhouse gases",
    "carbon dioxide",
    "methane",
    "benzene",
    "the continuous emission monitoring system",
    "the wastewater treatment facility",
    "the pollutant discharge permit",
    "the environmental impact assessment report",
    "the emergency response plan",
    "monitoring records",
    "the self-monitoring plan",
    "the emission limit value",
    "the total emission control target",
    "the leachate collection system",
    "the desulfurization facility",
    "the denitrification facility",
    "the bag filter",
    "the electrostatic precipitator",
    "the flue gas",
    "the tailings pond",
    "the storage tank",
    "radioactive sources",
    "asbestos",
    "polychlorinated biphenyls",
    "fluoride",
    "cyanide",
]
CONDITIONS = [
    "within 24 hours",
    "within 30 days",
    "within 15 working days",
    "on a monthly basis",
    "at least once per quarter",
    "during start-up and shutdown",
    "in accordance with national standards",
    "where the emission limit value is exceeded",
    "before the facility is put into operation",
    "in heavily polluted weather",
    "in the key control area",
    "under the supervision of the competent authority",
    "as specified in the permit",
    "for a period of not less than five years",
    "in real time",
    "in the event of an accident",
    "upon request of the inspector",
    "prior to commencing construction",
    "in the drinking water source protection zone",
    "where the total emission control target is not met",
]
PENALTIES = [
    "a fine of not less than 100,000 yuan but not more than 1,000,000 yuan",
    "an order to stop production for rectification",
    "revocation of the pollutant discharge permit",
    "a daily consecutive penalty",
    "detention of the directly responsible person",
    "an order to make corrections within a time limit",
    "confiscation of illegal gains",
    "suspension of the construction project",
    "public disclosure of the violation",
]
DEFS = ["For the purposes of this {u}, '{t}' means {d}.", "The term '{t}' refers to {d}."]
TERMS = [
    ("emission limit value", "the maximum permissible concentration of a pollutant in the flue gas"),
    ("key pollutant discharging entity", "an entity listed by the competent authority for priority supervision"),
    ("fugitive emission", "an emission of pollutants that is not released through a stack"),
    ("self-monitoring", "monitoring carried out by the operator of its own discharges"),
    ("hazardous waste", "waste listed in the national catalogue of hazardous wastes"),
    ("best available technique", "the most effective and advanced stage in the development of activities"),
]
ZH_TERMS = [
    "排污许可证",
    "环境影响评价",
    "危险废物",
    "挥发性有机物",
    "大气污染物",
    "总量控制",
    "在线监测",
    "超标排放",
    "限期整改",
    "生态环境部",
    "重点排污单位",
    "污水处理设施",
    "按日连续处罚",
    "清洁生产",
    "信息公开",
    "自行监测",
    "突发环境事件",
    "固体废物",
    "重金属",
    "排放标准",
]
ZH_SENTENCES = [
    "企业应当按照排污许可证的规定排放污染物。",
    "重点排污单位应当安装自动监测设备并与生态环境部门联网。",
    "违反本条例规定超标排放大气污染物的，由生态环境主管部门责令改正并处以罚款。",
    "危险废物的贮存期限不得超过一年。",
    "建设单位应当在开工建设前依法进行环境影响评价。",
    "排污单位应当依法公开污染物排放信息并接受社会监督。",
    "对拒不改正的，可以按日连续处罚。",
    "地方人民政府应当制定重污染天气应急预案。",
    "禁止在饮用水水源保护区内设置排污口。",
    "清洁生产审核报告应当报送生态环境主管部门备案。",
]
# long tail of rarer words (plant names, places, substances) to give a realistic dictionary size
RARE = [
    "sinter",
    "kiln",
    "clinker",
    "coke oven",
    "blast furnace",
    "anodizing",
    "galvanizing",
    "pickling",
    "dyeing",
    "bleaching",
    "fermentation",
    "tannin",
    "chrome tanning",
    "flotation",
    "smelting",
    "roasting",
    "calcination",
    "leaching",
    "incineration",
    "landfill",
    "composting",
    "digestate",
    "biogas",
    "scrubber",
    "thermal oxidizer",
    "activated carbon",
    "reverse osmosis",
    "ultrafiltration",
    "ozonation",
    "chlorination",
    "vanadium",
    "thallium",
    "antimony",
    "beryllium",
    "nickel",
    "cobalt",
    "manganese",
    "selenium",
    "formaldehyde",
    "toluene",
    "xylene",
    "styrene",
    "acrylonitrile",
    "vinyl chloride",
    "hydrogen sulfide",
    "hydrogen fluoride",
    "perfluorooctanoic acid",
    "microplastics",
    "phthalates",
    "nonylphenol",
]
FILLER = [
    "In addition,",
    "Notwithstanding the foregoing,",
    "Where applicable,",
    "Without prejudice to Article {a},",
    "Subject to paragraph {p},",
    "Unless otherwise provided,",
    "To this end,",
    "Accordingly,",
    "",
]


def _zipf_choice(rng, seq, s=1.1):
    # Zipf-like pick: index k chosen with weight 1/(k+1)^s (list order = frequency rank)
    n = len(seq)
    w = _zipf_choice.cache.get((n, s))
    if w is None:
        raw = [1.0 / (k + 1) ** s for k in range(n)]
        tot = sum(raw)
        acc, cum = 0.0, []
        for x in raw:
            acc += x / tot
            cum.append(acc)
        w = _zipf_choice.cache[(n, s)] = cum
    r = rng.random()
    lo, hi = 0, n - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if w[mid] < r:
            lo = mid + 1
        else:
            hi = mid
    return seq[lo]


_zipf_choice.cache = {}


def _sentence(rng, unit):
    kind = rng.random()
    if kind < 0.06:
        t, d = rng.choice(TERMS)
        return rng.choice(DEFS).format(u=unit, t=t, d=d)
    if kind < 0.16:
        return (
            f"Whoever violates the provisions of Article {rng.randint(1, 120)} shall be subject to "
            f"{_zipf_choice(rng, PENALTIES)}."
        )
    s = (
        f"{rng.choice(FILLER).format(a=rng.randint(1, 99), p=rng.randint(1, 6))} {_zipf_choice(rng, SUBJECTS)} "
        f"{_zipf_choice(rng, MODALS)} {_zipf_choice(rng, VERBS)} {_zipf_choice(rng, OBJECTS, 0.9)}"
    )
    if rng.random() < 0.6:
        s += f" {_zipf_choice(rng, CONDITIONS)}"
    if rng.random() < 0.25:
        s += f" at the {rng.choice(RARE)} {rng.choice(['unit', 'line', 'plant', 'section', 'facility'])}"
    if rng.random() < 0.18:
        s += f" ({_zipf_choice(rng, ZH_TERMS)})"
    if rng.random() < 0.12:
        s += f", with a concentration not exceeding {rng.randint(5, 400)} mg/m3"
    return s.strip() + "."


def make_doc(i, rng):
    dtype = _zipf_choice(rng, DTYPES, 0.8)
    industry = _zipf_choice(rng, INDUSTRIES, 0.9)
    stem = _zipf_choice(rng, DOC_STEMS, 0.7)
    document = f"{stem} {DOC_SUFFIX[dtype]}"
    unit = DOC_SUFFIX[dtype]
    target = rng.randint(300, 1500)
    parts, n = [], 0
    while n < target - 60:
        s = _sentence(rng, unit)
        parts.append(s)
        n += len(s) + 1
    if rng.random() < 0.25:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(ZH_SENTENCES))
    body = " ".join(parts)[:1500]
    article = rng.randint(1, 120)
    return {
        "id": f"p{i:07d}",
        "document": document,
        "title": f"{document}, Article {article}",
        "article": article,
        "industry": industry,
        "dtype": dtype,
        "year": rng.randint(1989, 2026),
        "body": body,
    }


def generate(n, seed=20261129):
    rng = random.Random(seed)
    for i in range(n):
        yield make_doc(i, rng)


# ----- queries ---------------------------------------------------------------
# kinds: term (1 word), and (2 words, AND), phrase, filter_facet (terms + industry filter + dtype counts)
QUERIES = []
for t in [
    "emission",
    "monitoring",
    "wastewater",
    "permit",
    "hazardous",
    "mercury",
    "penalty",
    "calibrate",
    "incineration",
    "vanadium",
    "leachate",
    "dioxins",
    "排污许可证",
    "危险废物",
]:
    QUERIES.append({"kind": "term", "terms": [t]})
for a, b in [
    ("sulphur", "dioxide"),
    ("permit", "revocation"),
    ("hazardous", "storage"),
    ("monitoring", "records"),
    ("cadmium", "effluent"),
    ("operator", "calibrate"),
    ("emergency", "accident"),
    ("fine", "rectification"),
    ("benzene", "inspector"),
    ("kiln", "particulate"),
    ("odour", "weather"),
    ("在线监测", "report"),
]:
    QUERIES.append({"kind": "and", "terms": [a, b]})
for p in [
    "emission limit value",
    "continuous emission monitoring system",
    "hazardous waste",
    "pollutant discharge permit",
    "daily consecutive penalty",
    "total emission control target",
    "drinking water source protection zone",
    "start-up and shutdown",
    "activated carbon",
    "best available technique",
    "flue gas",
    "emergency response plan",
]:
    QUERIES.append({"kind": "phrase", "terms": p.replace("-", " ").split()})
for t, ind in [
    (["emission"], "cement"),
    (["wastewater"], "chemical"),
    (["hazardous", "waste"], "electroplating"),
    (["monitoring"], "steel"),
    (["permit"], "power"),
    (["mercury"], "nonferrous"),
    (["volatile", "organic"], "printing"),
    (["penalty"], "paper"),
    (["dust"], "mining"),
    (["危险废物"], "chemical"),
    (["noise"], "shipbuilding"),
    (["sludge"], "tannery"),
]:
    QUERIES.append({"kind": "filter_facet", "terms": t, "industry": ind, "facet": "dtype"})
for i, q in enumerate(QUERIES):
    q["qid"] = f"q{i:02d}-{q['kind']}"
