"""A synthetic national data set for benchmarks (``manage.py generate_scale_data``).

Provinces → districts (~12 per province) → communes (10–16 per district), indicators of
every kind (counts and yes/no entered at commune and district level, sums and stocks,
rates, a status with criteria), targets with every comparison for years and halves,
and a submitted or approved submission with figures for every unit and half-year.

Everything generated is marked so it can never be mistaken for real data: unit codes
start with "G" and carry :data:`MARKER` in their note, indicator codes start with
"GEN", the plan and committee names say so. The generator refuses to run next to
data it did not make unless forced, and replaces its own earlier output.

Bulk rows go in with COPY on PostgreSQL (the national case is millions of figures) and
with ``bulk_create`` in batches elsewhere. History (simple-history) is not written for
generated rows: they never changed.
"""

from __future__ import annotations

import datetime
import io
import math
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from committees.models import AdministrativeUnit, Level, Plan, SteeringCommittee, UnitRole
from indicators.models import (
    Comparison,
    Criterion,
    Figure,
    Indicator,
    IndicatorKind,
    OverTime,
    Period,
    Submission,
    SubmissionStatus,
    Target,
    period_code,
)

MARKER = "generate_scale_data"
INDICATOR_PREFIX = "GEN"
PLAN_NUMBER = "1/KH-BCĐSL"
COMMITTEE_CODE = "GEN-BCD"
DISTRICTS_PER_PROVINCE = 12
COMMUNES_PER_DISTRICT = (10, 16)
LAST_YEAR = 2025
BATCH = 5000


class RealDataPresent(Exception):
    """The database holds units or figures the generator did not make."""


@dataclass(frozen=True)
class Template:
    """One indicator of the 20-indicator cycle the catalogue repeats."""

    key: str
    name: str
    measure: str
    kind: str
    entry_level: str = Level.COMMUNE
    over_time: str = OverTime.SUM
    mean: float = 0  # mean value per commune-sized unit and half (counts), P(yes) for yes/no
    part_of: str = ""  # this count is a share (60–100 %) of that count in the same submission
    numerator: str = ""
    denominator: str = ""
    comparison: str = Comparison.AT_LEAST


C, D = Level.COMMUNE, Level.DISTRICT
COUNT, YES_NO, RATE, STATUS = IndicatorKind.COUNT, IndicatorKind.YES_NO, IndicatorKind.RATE, IndicatorKind.STATUS
LAST = OverTime.LAST
AT_LEAST, AT_MOST = Comparison.AT_LEAST, Comparison.AT_MOST
REDUCE_BY, REDUCE_BY_PERCENT = Comparison.REDUCE_BY, Comparison.REDUCE_BY_PERCENT

# Ordered so that any first seven give every kind, and parts come before what uses them.
TEMPLATES = [
    Template("VU", "Số vụ phạm tội về trật tự xã hội", "vụ", COUNT, mean=4, comparison=REDUCE_BY_PERCENT),
    Template("LAMRO", "Số vụ về trật tự xã hội đã điều tra, làm rõ", "vụ", COUNT, part_of="VU"),
    Template("TYLE", "Tỷ lệ điều tra, làm rõ án về trật tự xã hội", "%", RATE, numerator="LAMRO", denominator="VU"),
    Template("TUDIEM", "Điểm, tụ điểm phức tạp về ma túy", "điểm", COUNT, over_time=LAST, mean=0.4, comparison=AT_MOST),
    Template("SACH", "Đạt tiêu chí không có tệ nạn ma túy", "xã", YES_NO, over_time=LAST, mean=0.7),
    Template("SACH_TT", "Xã đạt tiêu chí sạch ma túy", "xã", STATUS),
    Template("TG_TN", "Tố giác, tin báo về tội phạm đã tiếp nhận", "tin", COUNT, entry_level=D, mean=40),
    Template("TG_GQ", "Tố giác, tin báo về tội phạm đã giải quyết", "tin", COUNT, entry_level=D, part_of="TG_TN"),
    Template(
        "TG_TYLE", "Tỷ lệ giải quyết tố giác, tin báo", "%", RATE, entry_level=D, numerator="TG_GQ", denominator="TG_TN"
    ),
    Template("NGHIEN", "Người nghiện có hồ sơ quản lý", "người", COUNT, over_time=LAST, mean=8, comparison=AT_MOST),
    Template("MOHINH", "Mô hình tự quản về an ninh trật tự", "mô hình", COUNT, over_time=LAST, mean=3),
    Template("CAI", "Hồ sơ đưa người nghiện đi cai nghiện bắt buộc", "hồ sơ", COUNT, mean=2),
    Template("BAT", "Đối tượng phạm tội bị bắt giữ", "người", COUNT, mean=5, comparison=REDUCE_BY),
    Template("TNGT", "Vụ tai nạn giao thông", "vụ", COUNT, mean=2, comparison=REDUCE_BY_PERCENT),
    Template("CHAY", "Vụ cháy, nổ", "vụ", COUNT, mean=1, comparison=AT_MOST),
    Template("TINBAO_XA", "Tin báo tiếp nhận tại xã", "tin", COUNT, mean=6),
    Template("TUYENTRUYEN", "Buổi tuyên truyền pháp luật", "buổi", COUNT, mean=8),
    Template("CAMERA", "Camera an ninh đã lắp đặt", "camera", COUNT, over_time=LAST, mean=12),
    Template("TOTUQUAN", "Có tổ tự quản an ninh trật tự hoạt động", "xã", YES_NO, over_time=LAST, mean=0.85),
    Template("MATUY_XA", "Vụ vi phạm về ma túy phát hiện tại xã", "vụ", COUNT, mean=2, comparison=REDUCE_BY),
]
# Criteria of the status indicator: no hotspot, the yes/no criterion met.
STATUS_CRITERIA = [("TUDIEM", AT_MOST, 0), ("SACH", AT_LEAST, 1)]


@dataclass
class Sizes:
    communes: int
    districts: int
    provinces: int
    indicators: int
    years: list
    commune_entered: int
    district_entered: int

    @property
    def halves(self):
        return 2 * len(self.years)

    @property
    def units(self):
        return self.communes + self.districts + self.provinces

    @property
    def submissions(self):
        return (self.communes + self.districts) * self.halves

    @property
    def figures(self):
        return (self.communes * self.commune_entered + self.districts * self.district_entered) * self.halves


def catalogue(count):
    """The first ``count`` indicator templates of the repeated cycle, as (cycle, template)."""
    return [(n // len(TEMPLATES), TEMPLATES[n % len(TEMPLATES)]) for n in range(count)]


def indicator_code(cycle, key):
    return f"{INDICATOR_PREFIX}{cycle + 1:02d}_{key}"


def plan_for(*, communes, indicators, years):
    chosen = catalogue(indicators)
    districts = math.ceil(communes / 13)
    return Sizes(
        communes=communes,
        districts=districts,
        provinces=math.ceil(districts / DISTRICTS_PER_PROVINCE),
        indicators=indicators,
        years=list(range(LAST_YEAR - years + 1, LAST_YEAR + 1)),
        commune_entered=sum(1 for _c, t in chosen if t.kind in (COUNT, YES_NO) and t.entry_level == C),
        district_entered=sum(1 for _c, t in chosen if t.kind in (COUNT, YES_NO) and t.entry_level == D),
    )


def split_communes(communes, districts, rng):
    """Communes per district: between 10 and 16 where the total allows, summing exactly."""
    low, high = COMMUNES_PER_DISTRICT
    sizes = [communes // districts] * districts
    for i in range(communes - sum(sizes)):
        sizes[i] += 1
    # Spread sizes around the mean without leaving [low, high] (or [1, …] for tiny sets).
    floor = min(low, min(sizes))
    for _ in range(districts * 2):
        a, b = rng.randrange(districts), rng.randrange(districts)
        if a != b and sizes[a] < high and sizes[b] > floor:
            sizes[a] += 1
            sizes[b] -= 1
    return sizes


def real_data_present():
    """Whether the database holds units or figures that the generator did not make."""
    if AdministrativeUnit.objects.exclude(note=MARKER).exists():
        return True
    return Figure.objects.exclude(submission__unit__note=MARKER).exists()


# ------------------------------------------------------------------ writing rows


def _copy(model, columns, rows):
    """COPY rows into the model's table (PostgreSQL): text format, written in chunks."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    written = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(r"\N" if v is None else str(v) for v in row))
            buffer.write("\n")
            written += 1
            if written % 50000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    return written


def _bulk(model, columns, rows):
    written, batch = 0, []
    for row in rows:
        batch.append(model(**dict(zip(columns, row, strict=True))))
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    model.objects.bulk_create(batch)
    return written + len(batch)


def insert(model, columns, rows):
    """Insert plain rows (tuples in ``columns`` order, foreign keys as ``*_id``) fast."""
    if connection.vendor == "postgresql":
        return _copy(model, columns, rows)
    return _bulk(model, columns, rows)


@contextmanager
def _foreign_keys_checked_once(model):
    """On PostgreSQL, drop the table's foreign keys for the load and add them back after.

    Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: for 6 M figures PostgreSQL
    queued 12 M row checks and ran them one by one at COMMIT (~9 of 15 minutes). Adding
    a constraint back validates the whole table in one join. Same transaction, so a
    failure leaves nothing behind; the table is locked meanwhile (a benchmark database).
    """
    if connection.vendor != "postgresql":
        yield
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        # Run the checks already queued (earlier inserts and deletes) now: PostgreSQL
        # refuses to alter a table with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        constraints = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(
                f"ALTER TABLE {connection.ops.quote_name(table)} DROP CONSTRAINT {connection.ops.quote_name(name)}"
            )
    yield
    with connection.cursor() as cursor:
        for name, definition in constraints:
            cursor.execute(
                f"ALTER TABLE {connection.ops.quote_name(table)} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to Django's default for the transaction


def delete_generated(log):
    """Remove the generator's earlier output (raw deletes: millions of rows, no signals)."""
    qn = connection.ops.quote_name
    t = {m.__name__: qn(m._meta.db_table) for m in (AdministrativeUnit, Submission, Figure, Target, Indicator)}
    t.update(criterion=qn(Criterion._meta.db_table), role=qn(UnitRole._meta.db_table))
    # Report documents made on the generated data (the benchmark's district report, or any
    # made through the site) protect its units and committee; they go with it.
    t.update(report=qn(apps.get_model("reports", "ReportDocument")._meta.db_table))
    t.update(committee=qn(SteeringCommittee._meta.db_table))
    units = f"SELECT id FROM {t['AdministrativeUnit']} WHERE note = %s"
    indicators = f"SELECT id FROM {t['Indicator']} WHERE code LIKE %s"
    prefix = INDICATOR_PREFIX + "%"
    statements = [
        (
            f"DELETE FROM {t['Figure']} WHERE submission_id IN (SELECT id FROM {t['Submission']} WHERE unit_id IN ({units}))",
            [MARKER],
        ),
        (f"DELETE FROM {t['Submission']} WHERE unit_id IN ({units})", [MARKER]),
        (
            f"DELETE FROM {t['report']} WHERE unit_id IN ({units}) "
            f"OR committee_id IN (SELECT id FROM {t['committee']} WHERE code = %s)",
            [MARKER, COMMITTEE_CODE],
        ),
        (f"DELETE FROM {t['Target']} WHERE unit_id IN ({units}) OR indicator_id IN ({indicators})", [MARKER, prefix]),
        (
            f"DELETE FROM {t['criterion']} WHERE status_id IN ({indicators}) OR indicator_id IN ({indicators})",
            [prefix, prefix],
        ),
        (f"DELETE FROM {t['Indicator']} WHERE code LIKE %s", [prefix]),
        (f"DELETE FROM {t['role']} WHERE unit_id IN ({units})", [MARKER]),
    ]
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            if cursor.rowcount:
                log(f"  xoá {cursor.rowcount} dòng cũ: {sql.split()[2]}")
    # The committee references a generated unit and the plan nothing generated: both go
    # before the units, so every step holds even with constraints checked immediately.
    SteeringCommittee.objects.filter(code=COMMITTEE_CODE).delete()
    Plan.objects.filter(number=PLAN_NUMBER).delete()
    with connection.cursor() as cursor:
        # Communes, then districts, then provinces: each level references the one above.
        for level in (Level.COMMUNE, Level.DISTRICT, Level.PROVINCE):
            cursor.execute(f"DELETE FROM {t['AdministrativeUnit']} WHERE note = %s AND level = %s", [MARKER, level])


# --------------------------------------------------------------------- generator


def generate(*, communes, indicators, years, seed=1, force=False, log=print):
    """Generate the data set; returns the :class:`Sizes` with the exact counts written."""
    if communes < 1 or indicators < 1 or years < 1:
        raise ValueError("communes, indicators and years must be at least 1")
    if not force and real_data_present():
        raise RealDataPresent
    rng = random.Random(seed)
    plan = plan_for(communes=communes, indicators=indicators, years=years)
    log(
        f"Sẽ tạo {plan.provinces} tỉnh, {plan.districts} huyện, {plan.communes} xã; {plan.indicators} chỉ tiêu; "
        f"{len(plan.years)} năm ({plan.halves} kỳ 6 tháng); {plan.submissions} báo cáo, {plan.figures} số liệu."
    )
    started = time.monotonic()

    def step(message):
        log(f"[{time.monotonic() - started:7.1f}s] {message}")

    with transaction.atomic():
        delete_generated(log)
        step("đã xoá dữ liệu sinh trước đó (nếu có)")
        units = _units(plan, rng)
        step(f"{plan.units} đơn vị hành chính")
        periods = _periods(plan)
        catalogue_rows = _indicators(plan, units["province"][0])
        step(f"{len(periods)} kỳ, {len(catalogue_rows)} chỉ tiêu")
        targets = _targets(plan, units, periods, catalogue_rows, rng)
        step(f"{targets} chỉ tiêu được giao")
        submissions = _submissions(plan, units, periods)
        step(f"{submissions} báo cáo")
        with _foreign_keys_checked_once(Figure):
            figures = _figures(plan, units, periods, catalogue_rows, rng, step)
            step(f"{figures} số liệu")
        step("khoá ngoại của bảng số liệu đã kiểm tra")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        step("ANALYZE")
    return plan


def _units(plan, rng):
    """Provinces, districts and communes; returns {level: [(id, code, parent_id, communes_below)]}."""
    sizes = split_communes(plan.communes, plan.districts, rng)
    provinces = AdministrativeUnit.objects.bulk_create(
        AdministrativeUnit(
            code=f"G{p + 1:02d}",
            name=f"Tỉnh mẫu {p + 1:02d}",
            level=Level.PROVINCE,
            level_rank=1,
            kind="tỉnh",
            note=MARKER,
        )
        for p in range(plan.provinces)
    )
    districts = AdministrativeUnit.objects.bulk_create(
        AdministrativeUnit(
            code=f"G{d + 1:04d}",
            name=f"Huyện mẫu {d + 1:04d}",
            level=Level.DISTRICT,
            level_rank=2,
            kind="huyện",
            parent_id=provinces[d // DISTRICTS_PER_PROVINCE].pk,
            note=MARKER,
        )
        for d in range(plan.districts)
    )
    commune_rows = []
    for d, size in enumerate(sizes):
        for _ in range(size):
            n = len(commune_rows) + 1
            kind = "thị trấn" if _ == 0 else ("phường" if n % 7 == 0 else "xã")
            commune_rows.append(
                AdministrativeUnit(
                    code=f"G{n:06d}",
                    name=f"{kind.capitalize()} mẫu {n:06d}",
                    level=Level.COMMUNE,
                    level_rank=3,
                    kind=kind,
                    parent_id=districts[d].pk,
                    note=MARKER,
                )
            )
    communes = []
    for start in range(0, len(commune_rows), BATCH):
        communes += AdministrativeUnit.objects.bulk_create(commune_rows[start : start + BATCH])
    per_province = [0] * plan.provinces
    for d, size in enumerate(sizes):
        per_province[d // DISTRICTS_PER_PROVINCE] += size
    return {
        "province": [(u.pk, u.code, None, per_province[i]) for i, u in enumerate(provinces)],
        "district": [(u.pk, u.code, u.parent_id, sizes[i]) for i, u in enumerate(districts)],
        "commune": [(u.pk, u.code, u.parent_id, 1) for u in communes],
    }


def _periods(plan):
    """{code: Period} for every half and year (existing periods are reused)."""
    periods = {}
    for year in plan.years:
        for half in (1, 2, None):
            code = period_code(year, half)
            period, _ = Period.objects.get_or_create(code=code)
            periods[code] = period
    return periods


def _indicators(plan, province):
    """Creates the catalogue; returns [(Indicator, Template)] in catalogue order."""
    document, _ = Plan.objects.get_or_create(
        number=PLAN_NUMBER,
        defaults={
            "issued_on": datetime.date(plan.years[0], 1, 15),
            "issuer": "Ban Chỉ đạo (dữ liệu sinh tự động)",
            "title": "Kế hoạch mẫu — dữ liệu sinh tự động cho đo hiệu năng",
        },
    )
    committee, _ = SteeringCommittee.objects.get_or_create(
        code=COMMITTEE_CODE,
        defaults={"name": "Ban Chỉ đạo mẫu (dữ liệu sinh tự động)", "short_name": "BCĐ mẫu", "unit_id": province[0]},
    )
    created, by_code = [], {}
    for order, (cycle, template) in enumerate(catalogue(plan.indicators)):
        code = indicator_code(cycle, template.key)
        indicator = Indicator.objects.create(
            code=code,
            name=f"{template.name} (nhóm {cycle + 1})",
            measure=template.measure,
            kind=template.kind,
            entry_level=template.entry_level,
            over_time=template.over_time,
            committee=committee,
            plan=document,
            section=f"{cycle + 1}. Nhóm chỉ tiêu mẫu {cycle + 1}",
            order=order,
            numerator=by_code.get(indicator_code(cycle, template.numerator)) if template.numerator else None,
            denominator=by_code.get(indicator_code(cycle, template.denominator)) if template.denominator else None,
        )
        if template.kind == STATUS:
            for position, (key, comparison, value) in enumerate(STATUS_CRITERIA):
                Criterion.objects.create(
                    status=indicator,
                    indicator=by_code[indicator_code(cycle, key)],
                    comparison=comparison,
                    value=value,
                    order=position,
                )
        by_code[code] = indicator
        created.append((indicator, template))
    return created


def _target_value(template, communes, rng):
    """A plausible target for a unit with ``communes`` communes below it (1 for a commune)."""
    if template.kind == RATE:
        return rng.choice([70, 80, 90, 95])
    if template.kind == STATUS or template.kind == YES_NO:
        return max(1, round(communes * rng.uniform(0.5, 0.9)))
    if template.comparison == REDUCE_BY_PERCENT:
        return rng.choice([5, 10, 15])
    if template.comparison == REDUCE_BY:
        return max(1, round(communes * rng.uniform(0.1, 0.5)))
    if template.comparison == AT_MOST:
        return 0 if template.key == "TUDIEM" else round(communes * template.mean * rng.uniform(0.8, 1.2))
    mean = template.mean or 3
    return max(1, round(communes * mean * rng.uniform(1.2, 2.2)))


def _targets(plan, units, periods, catalogue_rows, rng):
    """Year targets for provinces and districts every year, half-year targets for them in the
    last year, and year targets for communes in the last year; every comparison occurs."""
    last = plan.years[-1]

    def rows():
        for indicator, template in catalogue_rows:
            for level in ("province", "district", "commune"):
                if level == "commune" and template.entry_level != C:
                    continue
                for pk, _code, _parent, communes in units[level]:
                    years = [last] if level == "commune" else plan.years
                    for year in years:
                        value = _target_value(template, communes, rng)
                        yield (indicator.pk, pk, periods[str(year)].pk, template.comparison, value, None)
                    if level != "commune" and template.comparison == AT_LEAST and template.kind != RATE:
                        for half in (1, 2):
                            value = max(1, round(_target_value(template, communes, rng) / 2))
                            yield (indicator.pk, pk, periods[period_code(last, half)].pk, AT_LEAST, value, None)

    return insert(Target, ["indicator_id", "unit_id", "period_id", "comparison", "value", "plan_id"], rows())


def _halves(plan, periods):
    return [periods[period_code(y, h)] for y in plan.years for h in (1, 2)]


def _submission_status(unit_index, half_index, halves):
    """Approved for every closed half; in the latest half a realistic mix still in review
    (about 70 % approved, 20 % submitted, 10 % draft — drafts do not count)."""
    if half_index < halves - 1:
        return SubmissionStatus.APPROVED
    bucket = (unit_index * 7) % 10
    if bucket < 7:
        return SubmissionStatus.APPROVED
    return SubmissionStatus.SUBMITTED if bucket < 9 else SubmissionStatus.DRAFT


def _submissions(plan, units, periods):
    halves = _halves(plan, periods)
    now = timezone.now()
    reporters = units["district"] + units["commune"]

    def rows():
        for h, half in enumerate(halves):
            at = timezone.make_aware(datetime.datetime.combine(half.end, datetime.time(9)))
            for u, (pk, *_rest) in enumerate(reporters):
                status = _submission_status(u, h, len(halves))
                submitted = at if status != SubmissionStatus.DRAFT else None
                approved = at if status == SubmissionStatus.APPROVED else None
                yield (pk, half.pk, status, 1, "", now, submitted, approved)

    columns = [
        "unit_id",
        "period_id",
        "status",
        "version",
        "return_reason",
        "updated_at",
        "submitted_at",
        "approved_at",
    ]
    return insert(Submission, columns, rows())


def _figures(plan, units, periods, catalogue_rows, rng, step):
    halves = _halves(plan, periods)
    entered = {
        level: [(i.pk, t) for i, t in catalogue_rows if t.kind in (COUNT, YES_NO) and t.entry_level == level]
        for level in (C, D)
    }
    level_of = {pk: C for pk, *_ in units["commune"]}
    level_of.update({pk: D for pk, *_ in units["district"]})
    # Per unit a size factor, and per unit and stock indicator a level that drifts slowly.
    size = {pk: rng.uniform(0.5, 1.8) for pk in level_of}
    # Loaded first: a query cannot run on the connection while its COPY is open.
    submissions = list(
        Submission.objects.filter(unit__note=MARKER, period__in=halves).order_by("id").values_list("id", "unit_id")
    )
    codes = {i.pk: i.code for i, _t in catalogue_rows}
    by_code = {code: pk for pk, code in codes.items()}
    # A share indicator's whole, e.g. "cases solved" ≤ "cases" of the same cycle.
    whole_of = {
        i.pk: by_code.get(indicator_code(int(i.code[3:5]) - 1, t.part_of)) for i, t in catalogue_rows if t.part_of
    }

    def values(unit_id, indicators):
        factor, got = size[unit_id], {}
        for pk, template in indicators:
            if template.kind == YES_NO:
                value = 1 if rng.random() < template.mean else 0
            elif template.part_of:
                value = round(got.get(whole_of[pk], 0) * rng.uniform(0.6, 1.0))
            elif template.key == "TUDIEM":
                value = 0 if rng.random() < 0.75 else rng.randint(1, 3)
            else:
                value = max(0, round(rng.gauss(template.mean * factor, template.mean * factor / 3)))
            got[pk] = value
            yield pk, value

    def rows():
        count = 0
        for sid, unit_id in submissions:
            for pk, value in values(unit_id, entered[level_of[unit_id]]):
                yield (sid, pk, value, "")
                count += 1
                if count % 1_000_000 == 0:
                    step(f"  … {count} số liệu")

    return insert(Figure, ["submission_id", "indicator_id", "value", "note"], rows())
