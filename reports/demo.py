"""Demo meeting, conclusions and report (issue 5), loaded after indicators.demo.load().

[V] from the July 2024 news item (DOMAIN.md §1): the joint conference of 08/07/2024 of
the two district committees, chaired by Tô Xuân Lợi, Phó Chủ tịch UBND huyện; its results
(stated by the generated sentences of section II, from the demo figures) and the topics
of its conclusions. [I] sample data, labelled as such: the place, the attendees, the report
number, the narrative wording, the owners, due dates and statuses of the conclusions.

Idempotent: nothing is written when the meeting already exists.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from committees.models import Conclusion, ConclusionStatus, Meeting, Member, SteeringCommittee
from indicators.demo import SAMPLE_NOTE
from indicators.models import Period

from . import services

MEETING_TITLE = (
    "Hội nghị sơ kết công tác 6 tháng đầu năm, triển khai nhiệm vụ 6 tháng cuối năm 2024 của Ban Chỉ đạo "
    'phòng chống tội phạm, tệ nạn xã hội và xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc và Ban Chỉ đạo xây dựng "Xã, '
    'thị trấn sạch ma túy", "Huyện sạch ma túy" huyện Đầm Hà'
)
MEETING_DAY = datetime.date(2024, 7, 8)
REPORT_NUMBER = "15/BC-BCĐ"

ILLUSTRATIVE = f"Trạng thái minh họa — {SAMPLE_NOTE}."

# text, owner, due date, illustrative status
CONCLUSIONS = [
    (
        "Xây dựng, triển khai kế hoạch bảo đảm an ninh, trật tự các sự kiện chính trị, các ngày lễ, tết "
        "từ nay đến cuối năm 2024",
        "Công an huyện",
        datetime.date(2024, 12, 31),
        ConclusionStatus.DONE,
    ),
    (
        'Tiếp tục xây dựng xã, thị trấn "sạch ma túy" theo Kế hoạch số 111/KH-UBND ngày 19/4/2024 của UBND huyện',
        "UBND các xã, thị trấn; Công an huyện",
        datetime.date(2024, 12, 14),
        ConclusionStatus.IN_PROGRESS,
    ),
    (
        "Đẩy mạnh công tác tuyên truyền về phòng, chống tội phạm, tệ nạn xã hội và ma túy",
        "Trung tâm Truyền thông - Văn hóa huyện; UBND các xã, thị trấn",
        datetime.date(2024, 12, 31),
        ConclusionStatus.DONE,
    ),
    (
        "Nâng cao chất lượng công tác điều tra, khám phá án",
        "Công an huyện",
        datetime.date(2024, 12, 14),
        ConclusionStatus.IN_PROGRESS,
    ),
    (
        "Tập trung đấu tranh với tội phạm tổ chức, chứa chấp sử dụng trái phép chất ma túy",
        "Công an huyện",
        datetime.date(2024, 12, 14),
        ConclusionStatus.IN_PROGRESS,
    ),
    (
        "Vận động quần chúng nhân dân tích cực tố giác tội phạm",
        "Ủy ban MTTQ Việt Nam huyện; UBND các xã, thị trấn",
        datetime.date(2024, 10, 31),
        ConclusionStatus.DONE,
    ),
    (
        "Quản lý, giáo dục, cảm hóa người phạm tội tại cộng đồng",
        "UBND các xã, thị trấn; Công an các xã, thị trấn",
        datetime.date(2024, 9, 30),
        ConclusionStatus.NOT_STARTED,
    ),
]

SITUATION = [
    "Thực hiện Kế hoạch số 111/KH-UBND ngày 19/4/2024 của UBND huyện Đầm Hà và các kế hoạch của Ban Chỉ đạo, "
    "6 tháng đầu năm 2024 tình hình an ninh chính trị, trật tự an toàn xã hội trên địa bàn huyện cơ bản ổn định; "
    "không để xảy ra tình huống đột xuất, bất ngờ.",
    "Ban Chỉ đạo phòng chống tội phạm, tệ nạn xã hội và xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc và Ban "
    'Chỉ đạo xây dựng "Xã, thị trấn sạch ma túy", "Huyện sạch ma túy" huyện tổ chức hội nghị liên tịch sơ kết '
    "ngày 08/7/2024.",
    f"Ghi chú: số liệu chi tiết trong báo cáo này là {SAMPLE_NOTE.lower()}, "
    "trừ các kết quả đã nêu trong tin bài ngày 08/7/2024 của Trung tâm Truyền thông - Văn hóa huyện.",
]

ASSESSMENT = [
    "Ưu điểm: các cấp ủy, chính quyền quan tâm lãnh đạo, chỉ đạo; lực lượng Công an là nòng cốt, phối hợp chặt chẽ "
    "với các ban, ngành, đoàn thể; các mô hình tự quản về an ninh, trật tự phát huy hiệu quả.",
    "Tồn tại, hạn chế: tội phạm và tệ nạn xã hội vẫn tiềm ẩn phức tạp; công tác quản lý người sử dụng trái phép "
    "chất ma túy ở một số địa bàn chưa chặt chẽ.",
    "Nguyên nhân: địa bàn rộng, giáp biên; một số nơi chưa huy động được sức mạnh của quần chúng nhân dân.",
]

PROPOSALS = [
    "Đề nghị UBND huyện tiếp tục bố trí kinh phí cho công tác phòng, chống tội phạm, ma túy và xây dựng "
    'xã, thị trấn "sạch ma túy".',
]

RECIPIENTS = [
    "- Thường trực Huyện ủy, HĐND huyện (b/c);",
    "- Chủ tịch, các PCT UBND huyện;",
    "- Thành viên hai Ban Chỉ đạo huyện;",
    "- UBND, Công an các xã, thị trấn;",
    "- Lưu: VT, CAH.",
]


@transaction.atomic
def load():
    """Create the demo meeting, its conclusions and its final report; return what was created."""
    if Meeting.objects.filter(held_on=MEETING_DAY, title=MEETING_TITLE).exists():
        return 0
    committees = list(SteeringCommittee.objects.filter(code__in=["BCD138-200", "BCDMT-200"]).order_by("code"))
    main = next(c for c in committees if c.code == "BCD138-200")
    chair = Member.objects.filter(committee=main, name="Tô Xuân Lợi").first()
    meeting = Meeting.objects.create(
        title=MEETING_TITLE,
        held_on=MEETING_DAY,
        place=f"Hội trường UBND huyện Đầm Hà ({SAMPLE_NOTE.lower()})",
        chair_member=chair,
        chair="Tô Xuân Lợi, Phó Chủ tịch UBND huyện",
        attendees=f"Thành viên hai Ban Chỉ đạo huyện; lãnh đạo UBND, Công an các xã, thị trấn ({SAMPLE_NOTE.lower()})",
        period_code="2024-H1",
        note=SAMPLE_NOTE,
    )
    meeting.committees.set(committees)
    for order, (text, owner, due_on, status) in enumerate(CONCLUSIONS, start=1):
        Conclusion.objects.create(
            meeting=meeting, order=order, text=text, owner=owner, due_on=due_on, status=status, follow_up=ILLUSTRATIVE
        )

    office = get_user_model().objects.filter(username="vanphong").first()
    report = services.create_report(
        user=office,
        committee=main,
        unit=main.unit,
        period=Period.objects.get(code="2024-H1"),
        meeting=meeting,
        number=REPORT_NUMBER,
        issued_on=MEETING_DAY,
    )
    report = services.update_report(
        report=report,
        user=office,
        data={
            "parent_body": "UBND HUYỆN ĐẦM HÀ",
            "issuing_body": "BAN CHỈ ĐẠO 138",
            "situation": "\n".join(SITUATION),
            "assessment": "\n".join(ASSESSMENT),
            "proposals": "\n".join(PROPOSALS),
            "recipients": "\n".join(RECIPIENTS),
        },
    )
    services.finalise(report=report, user=office, today=MEETING_DAY)
    return 1
