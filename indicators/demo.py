"""The Đầm Hà demo: units, committees, plans, periods, indicators, targets and figures.

Facts marked [V] in DOMAIN.md are used as they are; every other figure is sample data
([I]) and is labelled so wherever it is shown (SAMPLE_NOTE on each figure and plan).
The figures reproduce the statements of the district's July 2024 news item exactly:

- drug criminal cases arrested and prosecuted: 5 of the 2024 quota of 5 (100%);
- drug-trafficking cases with 2+ defendants: 2 of the annual quota of 2 (100%) at mid-year;
- social-order crimes: 8 in 2024-H1 against 9 in 2023-H1 (down 1);
- drug hotspots: 0 in every commune in 2024-H1.

Loading is idempotent: objects are created when missing and never updated, so a second
run writes nothing (and adds no history rows).
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from committees.models import (
    AdministrativeUnit,
    Level,
    Member,
    MemberRole,
    Plan,
    Role,
    SteeringCommittee,
    UnitRole,
    UnitSuccession,
)

from .models import (
    Criterion,
    Figure,
    Indicator,
    Period,
    Submission,
    SubmissionStatus,
    Target,
)

DEMO_PASSWORD = "damha2024"  # noqa: S105 - documented demo-only password
SAMPLE_NOTE = "Dữ liệu mẫu (minh họa)"

PROVINCE = ("22", "Tỉnh Quảng Ninh", "tỉnh")
DISTRICT = ("200", "Huyện Đầm Hà", "huyện")
COMMUNES = [
    ("06895", "Thị trấn Đầm Hà", "thị trấn"),
    ("06898", "Xã Quảng Lâm", "xã"),
    ("06901", "Xã Quảng An", "xã"),
    ("06904", "Xã Tân Bình", "xã"),
    ("06910", "Xã Dực Yên", "xã"),
    ("06913", "Xã Quảng Tân", "xã"),
    ("06916", "Xã Đầm Hà", "xã"),
    ("06917", "Xã Tân Lập", "xã"),
    ("06919", "Xã Đại Bình", "xã"),
]
COMMUNE_CODES = [code for code, _name, _kind in COMMUNES]

PLANS = [
    {
        "number": "111/KH-UBND",
        "issued_on": datetime.date(2024, 4, 19),
        "issuer": "UBND huyện Đầm Hà",
        "title": 'Kế hoạch xây dựng xã, thị trấn "sạch ma túy", huyện "sạch ma túy"',
    },
    {
        "number": "96/2019/QH14",
        "issued_on": datetime.date(2019, 11, 27),
        "issuer": "Quốc hội",
        "title": "Nghị quyết về công tác phòng, chống tội phạm và vi phạm pháp luật",
    },
    {
        "number": "25/KH-BCĐ",
        "issued_on": datetime.date(2024, 1, 15),
        "issuer": "Ban Chỉ đạo 138 huyện Đầm Hà",
        "title": f"Kế hoạch công tác phòng, chống tội phạm năm 2024 — {SAMPLE_NOTE}",
    },
]

COMMITTEES = [
    {
        "code": "BCD138-200",
        "short_name": "BCĐ 138 huyện",
        "name": (
            "Ban Chỉ đạo phòng chống tội phạm, tệ nạn xã hội và xây dựng phong trào toàn dân "
            "bảo vệ an ninh Tổ quốc huyện Đầm Hà"
        ),
    },
    {
        "code": "BCDMT-200",
        "short_name": "BCĐ sạch ma túy huyện",
        "name": 'Ban Chỉ đạo xây dựng "Xã, thị trấn sạch ma túy", "Huyện sạch ma túy" huyện Đầm Hà',
    },
]

S_CRIME = "1. Phòng, chống tội phạm"
S_MOVEMENT = "2. Phong trào toàn dân bảo vệ an ninh Tổ quốc"
S_DRUGS = "3. Phòng, chống ma túy"
S_DRUG_FREE = "4. Xây dựng xã, thị trấn sạch ma túy"

# code, name, measure, kind, entry level, over time, committee, plan, section, extra
INDICATORS = [
    (
        "TTXH_VU",
        "Số vụ phạm tội về trật tự xã hội",
        "vụ",
        "count",
        "commune",
        "sum",
        "BCD138-200",
        "25/KH-BCĐ",
        S_CRIME,
        {},
    ),
    (
        "TTXH_LAMRO",
        "Số vụ phạm tội về TTXH đã điều tra, làm rõ",
        "vụ",
        "count",
        "commune",
        "sum",
        "BCD138-200",
        None,
        S_CRIME,
        {},
    ),
    (
        "TTXH_TYLE",
        "Tỷ lệ điều tra, khám phá án về TTXH",
        "%",
        "rate",
        "district",
        "sum",
        "BCD138-200",
        "96/2019/QH14",
        S_CRIME,
        {"numerator": "TTXH_LAMRO", "denominator": "TTXH_VU"},
    ),
    (
        "TG_TIEPNHAN",
        "Tố giác, tin báo về tội phạm đã tiếp nhận",
        "tin",
        "count",
        "district",
        "sum",
        "BCD138-200",
        None,
        S_CRIME,
        {},
    ),
    (
        "TG_GIAIQUYET",
        "Tố giác, tin báo về tội phạm đã giải quyết",
        "tin",
        "count",
        "district",
        "sum",
        "BCD138-200",
        None,
        S_CRIME,
        {},
    ),
    (
        "TG_TYLE",
        "Tỷ lệ giải quyết tố giác, tin báo về tội phạm",
        "%",
        "rate",
        "district",
        "sum",
        "BCD138-200",
        "96/2019/QH14",
        S_CRIME,
        {"numerator": "TG_GIAIQUYET", "denominator": "TG_TIEPNHAN"},
    ),
    (
        "ANTT_MOHINH",
        "Mô hình tự quản về ANTT",
        "mô hình",
        "count",
        "commune",
        "last",
        "BCD138-200",
        "25/KH-BCĐ",
        S_MOVEMENT,
        {},
    ),
    (
        "MT_BAT_XLHS",
        "Bắt, xử lý hình sự tội phạm về ma túy",
        "vụ",
        "count",
        "district",
        "sum",
        "BCDMT-200",
        "111/KH-UBND",
        S_DRUGS,
        {},
    ),
    (
        "MT_MUABAN_2DT",
        "Vụ mua bán trái phép chất ma túy khởi tố từ 02 đối tượng trở lên",
        "vụ",
        "count",
        "district",
        "sum",
        "BCDMT-200",
        "111/KH-UBND",
        S_DRUGS,
        {},
    ),
    (
        "MT_TUDIEM",
        "Điểm, tụ điểm, điểm có nguy cơ phức tạp về ma túy",
        "điểm",
        "count",
        "commune",
        "last",
        "BCDMT-200",
        "111/KH-UBND",
        S_DRUGS,
        {},
    ),
    (
        "MT_NGHIEN_QL",
        "Người nghiện, người SDTPCMT có hồ sơ quản lý",
        "người",
        "count",
        "commune",
        "last",
        "BCDMT-200",
        None,
        S_DRUGS,
        {},
    ),
    (
        "MT_HOSO_CAI",
        "Hồ sơ đưa người nghiện đi cai nghiện bắt buộc",
        "hồ sơ",
        "count",
        "commune",
        "sum",
        "BCDMT-200",
        "111/KH-UBND",
        S_DRUGS,
        {},
    ),
    (
        "MT_SAU_CAI",
        "Người đang quản lý sau cai nghiện",
        "người",
        "count",
        "commune",
        "last",
        "BCDMT-200",
        None,
        S_DRUGS,
        {},
    ),
    (
        "MT_QL_DAYDU",
        "Quản lý đầy đủ người nghiện, người SDTPCMT trên địa bàn",
        "có/không",
        "yes_no",
        "commune",
        "last",
        "BCDMT-200",
        "111/KH-UBND",
        S_DRUG_FREE,
        {},
    ),
    (
        "MT_XA_SACH",
        'Xã, thị trấn đạt tiêu chí "sạch ma túy"',
        "xã",
        "status",
        "commune",
        "last",
        "BCDMT-200",
        "111/KH-UBND",
        S_DRUG_FREE,
        {"criteria": [("MT_TUDIEM", "at_most", 0), ("MT_QL_DAYDU", "at_least", 1)]},
    ),
]

PERIODS = ["2023-H1", "2023-H2", "2023", "2024-H1", "2024-H2", "2024", "2025-H1", "2025-H2", "2025"]
CLOSED_PERIODS = {"2023-H1", "2023-H2", "2023", "2024-H1", "2025-H1", "2025-H2", "2025"}

# The 2025 reform (DOMAIN.md §2): from 1/7/2025 the district level is abolished and the
# nine units of Đầm Hà form two communes directly under the province. The new communes
# reuse official codes still held by predecessors, so they carry the year as a suffix;
# the codes themselves are provisional (one public data file, not yet checked against
# the resolution text).
REFORM_DATE = datetime.date(2025, 7, 1)
REFORM_BASIS = "Nghị quyết số 1679/NQ-UBTVQH15 ngày 16/6/2025"
REFORM = [
    ("06913-2025", "Xã Quảng Tân", ["06901", "06910", "06898", "06913"]),
    ("06895-2025", "Xã Đầm Hà", ["06895", "06904", "06919", "06917", "06916"]),
]
PROVISIONAL_NOTE = "Mã tạm thời (chưa đối chiếu văn bản)"

# (indicator, unit, period, comparison, value, plan)
TARGETS = [
    ("MT_BAT_XLHS", "200", "2023", "at_least", 4, "25/KH-BCĐ"),
    ("MT_BAT_XLHS", "200", "2024", "at_least", 5, "111/KH-UBND"),
    ("MT_MUABAN_2DT", "200", "2024", "at_least", 2, "111/KH-UBND"),
    ("TTXH_VU", "200", "2024", "reduce_by", 1, "25/KH-BCĐ"),
    ("TTXH_TYLE", "200", "2024", "at_least", 75, "96/2019/QH14"),
    ("TG_TYLE", "200", "2024", "at_least", 90, "96/2019/QH14"),
    ("MT_TUDIEM", "200", "2024", "at_most", 0, "111/KH-UBND"),
    ("MT_HOSO_CAI", "200", "2024", "at_least", 12, "111/KH-UBND"),
    ("ANTT_MOHINH", "200", "2024", "at_least", 9, "25/KH-BCĐ"),
    ("MT_XA_SACH", "200", "2024", "at_least", 6, "111/KH-UBND"),
] + [
    row
    for code in COMMUNE_CODES
    for row in (
        ("MT_TUDIEM", code, "2024", "at_most", 0, "111/KH-UBND"),
        ("ANTT_MOHINH", code, "2024", "at_least", 1, "25/KH-BCĐ"),
    )
]

# Commune figures, one list per indicator in COMMUNE_CODES order.
COMMUNE_FIGURES = {
    "2023-H1": {
        "TTXH_VU": [2, 1, 1, 0, 1, 2, 1, 0, 1],  # 9
        "TTXH_LAMRO": [2, 1, 1, 0, 1, 1, 1, 0, 0],  # 7
        "ANTT_MOHINH": [2, 1, 1, 1, 0, 1, 1, 1, 1],
        "MT_TUDIEM": [0, 0, 0, 0, 0, 0, 1, 0, 0],
        "MT_NGHIEN_QL": [9, 3, 2, 4, 2, 6, 5, 1, 2],
        "MT_HOSO_CAI": [2, 0, 1, 1, 0, 1, 1, 0, 0],
        "MT_SAU_CAI": [4, 1, 1, 2, 1, 3, 2, 0, 1],
        "MT_QL_DAYDU": [1, 1, 1, 1, 0, 1, 0, 1, 1],
    },
    "2023-H2": {
        "TTXH_VU": [3, 1, 0, 1, 1, 1, 2, 1, 0],  # 10
        "TTXH_LAMRO": [3, 1, 0, 1, 1, 1, 1, 1, 0],  # 9
        "ANTT_MOHINH": [2, 1, 1, 1, 1, 1, 1, 1, 1],
        "MT_TUDIEM": [0, 0, 0, 0, 0, 0, 0, 0, 0],
        "MT_NGHIEN_QL": [8, 3, 2, 4, 2, 5, 5, 1, 2],
        "MT_HOSO_CAI": [1, 1, 0, 1, 0, 1, 1, 0, 1],
        "MT_SAU_CAI": [5, 1, 1, 2, 1, 3, 2, 1, 1],
        "MT_QL_DAYDU": [1, 1, 1, 1, 1, 1, 0, 1, 1],
    },
    "2024-H1": {
        "TTXH_VU": [2, 1, 0, 1, 1, 1, 1, 0, 1],  # 8: down 1 against 2023-H1 (the article)
        "TTXH_LAMRO": [2, 1, 0, 1, 1, 1, 0, 0, 1],  # 7
        "ANTT_MOHINH": [2, 1, 1, 1, 1, 1, 1, 1, 1],
        "MT_TUDIEM": [0, 0, 0, 0, 0, 0, 0, 0, 0],  # no hotspots anywhere (the article)
        "MT_NGHIEN_QL": [8, 3, 2, 3, 2, 5, 4, 1, 2],
        "MT_HOSO_CAI": [2, 1, 0, 1, 0, 1, 1, 0, 1],  # 7
        "MT_SAU_CAI": [5, 2, 1, 2, 1, 3, 2, 1, 1],
        "MT_QL_DAYDU": [1, 1, 1, 1, 1, 1, 0, 1, 1],
    },
    "2024-H2": {
        "TTXH_VU": [1, 1, 1, 0, 1, 1, 1, 0, 0],
        "TTXH_LAMRO": [1, 1, 1, 0, 1, 1, 1, 0, 0],
        "ANTT_MOHINH": [2, 1, 1, 1, 1, 1, 1, 1, 1],
        "MT_TUDIEM": [0, 0, 0, 0, 0, 0, 0, 0, 0],
        "MT_NGHIEN_QL": [8, 3, 2, 3, 2, 5, 4, 1, 2],
        "MT_HOSO_CAI": [1, 1, 1, 0, 1, 1, 1, 0, 1],
        "MT_SAU_CAI": [5, 2, 1, 2, 1, 3, 2, 1, 1],
        "MT_QL_DAYDU": [1, 1, 1, 1, 1, 1, 1, 1, 1],
    },
}

# 2025-H1: the nine old communes (approved). 2025-H2: the two new communes (approved),
# compared with the sums of their predecessors in 2024-H2.
COMMUNE_FIGURES["2025-H1"] = {
    "TTXH_VU": [1, 1, 0, 1, 0, 1, 1, 0, 1],
    "TTXH_LAMRO": [1, 1, 0, 1, 0, 1, 1, 0, 1],
    "ANTT_MOHINH": [2, 1, 1, 1, 1, 1, 1, 1, 1],
    "MT_TUDIEM": [0, 0, 0, 0, 0, 0, 0, 0, 0],
    "MT_NGHIEN_QL": [7, 3, 2, 3, 2, 4, 4, 1, 2],
    "MT_HOSO_CAI": [1, 0, 1, 1, 0, 1, 1, 0, 0],
    "MT_SAU_CAI": [5, 2, 1, 2, 1, 3, 2, 1, 1],
    "MT_QL_DAYDU": [1, 1, 1, 1, 1, 1, 1, 1, 1],
}
NEW_COMMUNE_FIGURES = {
    "2025-H2": {
        "06913-2025": {
            "TTXH_VU": 2,
            "TTXH_LAMRO": 2,
            "ANTT_MOHINH": 4,
            "MT_TUDIEM": 0,
            "MT_NGHIEN_QL": 11,
            "MT_HOSO_CAI": 2,
            "MT_SAU_CAI": 6,
            "MT_QL_DAYDU": 1,
        },
        "06895-2025": {
            "TTXH_VU": 3,
            "TTXH_LAMRO": 2,
            "ANTT_MOHINH": 6,
            "MT_TUDIEM": 0,
            "MT_NGHIEN_QL": 15,
            "MT_HOSO_CAI": 3,
            "MT_SAU_CAI": 9,
            "MT_QL_DAYDU": 1,
        },
    }
}

DISTRICT_FIGURES = {
    "2023-H1": {"MT_BAT_XLHS": 4, "MT_MUABAN_2DT": 1, "TG_TIEPNHAN": 35, "TG_GIAIQUYET": 32},
    "2023-H2": {"MT_BAT_XLHS": 3, "MT_MUABAN_2DT": 1, "TG_TIEPNHAN": 38, "TG_GIAIQUYET": 35},
    "2024-H1": {"MT_BAT_XLHS": 5, "MT_MUABAN_2DT": 2, "TG_TIEPNHAN": 40, "TG_GIAIQUYET": 38},
    "2025-H1": {"MT_BAT_XLHS": 3, "MT_MUABAN_2DT": 1, "TG_TIEPNHAN": 36, "TG_GIAIQUYET": 34},
}

# 2024-H2 is open: some communes submitted, some in draft, one (Quảng Tân) not started,
# so that every step of entry and review can be tried with the demo users.
OPEN_PERIOD = "2024-H2"
OPEN_STATES = {
    "06895": SubmissionStatus.SUBMITTED,
    "06898": SubmissionStatus.SUBMITTED,
    "06901": SubmissionStatus.SUBMITTED,
    "06904": SubmissionStatus.APPROVED,
    "06910": SubmissionStatus.SUBMITTED,
    "06916": SubmissionStatus.DRAFT,
    "06917": SubmissionStatus.DRAFT,
    "06919": SubmissionStatus.SUBMITTED,
}

USERS = [
    # username, full name, superuser, [(role, unit)]
    ("admin", "Quản trị hệ thống", True, []),
    ("lanhdao", "Lãnh đạo UBND huyện (demo)", False, [(Role.VIEW, "200")]),
    ("duyet", "Công an huyện — cơ quan thường trực (demo)", False, [(Role.REVIEW, "200")]),
    ("vanphong", "Văn phòng HĐND-UBND huyện (demo)", False, [(Role.OFFICE, "200")]),
    ("congan.quangtan", "Công an xã Quảng Tân (demo)", False, [(Role.ENTRY, "06913")]),
    ("congan.damha", "Công an xã Đầm Hà (demo)", False, [(Role.ENTRY, "06916")]),
]


def _units():
    province, _ = AdministrativeUnit.objects.get_or_create(
        code=PROVINCE[0], defaults={"name": PROVINCE[1], "kind": PROVINCE[2], "level": Level.PROVINCE}
    )
    district, _ = AdministrativeUnit.objects.get_or_create(
        code=DISTRICT[0],
        defaults={"name": DISTRICT[1], "kind": DISTRICT[2], "level": Level.DISTRICT, "parent": province},
    )
    units = {"22": province, "200": district}
    for code, name, kind in COMMUNES:
        units[code], _ = AdministrativeUnit.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "level": Level.COMMUNE, "parent": district}
        )
    # Xã Quảng Lợi was merged into Quảng Tân on 1/1/2020 (DOMAIN.md §2).
    quang_loi, _ = AdministrativeUnit.objects.get_or_create(
        code="06907",
        defaults={
            "name": "Xã Quảng Lợi",
            "kind": "xã",
            "level": Level.COMMUNE,
            "parent": district,
            "valid_to": datetime.date(2019, 12, 31),
        },
    )
    UnitSuccession.objects.get_or_create(
        predecessor=quang_loi,
        successor=units["06913"],
        defaults={"effective_on": datetime.date(2020, 1, 1), "basis": "Sáp nhập xã Quảng Lợi vào xã Quảng Tân"},
    )
    return units


def _periods():
    periods = {}
    today = datetime.date.today()
    for code in PERIODS:
        defaults = {"is_open": code not in CLOSED_PERIODS}
        if code == OPEN_PERIOD:
            # A deadline ahead of whoever tries the demo, set once at first load.
            defaults["deadline"] = today + datetime.timedelta(days=30)
        periods[code], _ = Period.objects.get_or_create(code=code, defaults=defaults)
    return periods


def _indicators(committees, plans):
    indicators = {}
    for order, (code, name, measure, kind, level, over_time, committee, plan, section, extra) in enumerate(INDICATORS):
        indicators[code], created = Indicator.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "measure": measure,
                "kind": kind,
                "entry_level": level,
                "over_time": over_time,
                "committee": committees[committee],
                "plan": plans.get(plan),
                "section": section,
                "order": order * 10,
                "numerator": indicators.get(extra.get("numerator")),
                "denominator": indicators.get(extra.get("denominator")),
            },
        )
        for position, (criterion, comparison, value) in enumerate(extra.get("criteria", [])):
            Criterion.objects.get_or_create(
                status=indicators[code],
                indicator=indicators[criterion],
                defaults={"comparison": comparison, "value": Decimal(value), "order": position},
            )
    return indicators


def _submission(unit, period, status, figures, indicators, approver):
    submission, created = Submission.objects.get_or_create(
        unit=unit,
        period=period,
        defaults={
            "status": status,
            "submitted_by": approver if status != SubmissionStatus.DRAFT else None,
            "approved_by": approver if status == SubmissionStatus.APPROVED else None,
        },
    )
    if not created:
        return
    for code, value in figures.items():
        Figure.objects.create(submission=submission, indicator=indicators[code], value=value, note=SAMPLE_NOTE)


@transaction.atomic
def load():
    """Create whatever part of the demo is missing; return the number of new figures."""
    figures_before = Figure.objects.count()
    units = _units()
    plans = {}
    for plan in PLANS:
        plans[plan["number"]], _ = Plan.objects.get_or_create(number=plan["number"], defaults=plan)
    committees = {}
    for committee in COMMITTEES:
        committees[committee["code"]], created = SteeringCommittee.objects.get_or_create(
            code=committee["code"],
            defaults={**committee, "unit": units["200"], "standing_agency": "Công an huyện Đầm Hà"},
        )
        if created:
            Member.objects.create(
                committee=committees[committee["code"]],
                name="Tô Xuân Lợi",
                position="Phó Chủ tịch UBND huyện",
                role=MemberRole.DEPUTY,
                order=1,
            )
    periods = _periods()
    indicators = _indicators(committees, plans)
    for indicator, unit, period, comparison, value, plan in TARGETS:
        Target.objects.get_or_create(
            indicator=indicators[indicator],
            unit=units[unit],
            period=periods[period],
            defaults={"comparison": comparison, "value": Decimal(value), "plan": plans[plan]},
        )

    users = _users(units)
    reviewer = users["duyet"]
    for period_code, by_indicator in COMMUNE_FIGURES.items():
        for position, unit_code in enumerate(COMMUNE_CODES):
            if period_code == OPEN_PERIOD:
                status = OPEN_STATES.get(unit_code)
                if status is None:
                    continue  # not started
            else:
                status = SubmissionStatus.APPROVED
            figures = {code: values[position] for code, values in by_indicator.items()}
            _submission(units[unit_code], periods[period_code], status, figures, indicators, reviewer)
    for period_code, figures in DISTRICT_FIGURES.items():
        _submission(units["200"], periods[period_code], SubmissionStatus.APPROVED, figures, indicators, reviewer)
    new_units = _reform(units)
    for code in new_units:
        for indicator, comparison, value in (("MT_TUDIEM", "at_most", 0), ("ANTT_MOHINH", "at_least", 1)):
            Target.objects.get_or_create(
                indicator=indicators[indicator],
                unit=new_units[code],
                period=periods["2025"],
                defaults={"comparison": comparison, "value": Decimal(value), "plan": plans["111/KH-UBND"]},
            )
    for period_code, by_unit in NEW_COMMUNE_FIGURES.items():
        for unit_code, figures in by_unit.items():
            _submission(
                new_units[unit_code], periods[period_code], SubmissionStatus.APPROVED, figures, indicators, reviewer
            )
    return Figure.objects.count() - figures_before


def _reform(units):
    """Record the 2025 reform once, through the same service administrators use."""
    from committees.services import ChangeKind, NewUnit, record_change

    new_units = {}
    for code, name, predecessors in REFORM:
        existing = AdministrativeUnit.objects.filter(code=code).first()
        if existing is None:
            result = record_change(
                kind=ChangeKind.MERGE,
                effective_on=REFORM_DATE,
                basis=REFORM_BASIS,
                predecessor_codes=predecessors,
                successors=[NewUnit(code=code, name=name, parent_code="22", level=Level.COMMUNE, kind="xã")],
            )
            existing = result.successors[0]
            existing.note = PROVISIONAL_NOTE
            existing.save(update_fields=["note"])
        new_units[code] = existing
    district = units["200"]
    district.refresh_from_db()
    if district.valid_to is None:
        record_change(kind=ChangeKind.DISSOLVE, effective_on=REFORM_DATE, basis=REFORM_BASIS, predecessor_codes=["200"])
    return new_units


def _users(units):
    User = get_user_model()
    users = {}
    for username, full_name, is_superuser, roles in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=full_name,
                email=f"{username}@damha.example",  # reserved TLD: reminders show in the console only
                is_superuser=is_superuser,
                is_staff=is_superuser,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        users[username] = user
        for role, unit_code in roles:
            UnitRole.objects.get_or_create(user=user, unit=units[unit_code], role=role)
    return users
