"""Read-side helpers of the indicators pages (views fetch, call these, render)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Attachment

# --- Entry that never loses a figure (issue 15) -----------------------------------------------


def deadline_countdown(period, today=None):
    """What the entry header says beside the period: "còn 3 ngày", "hôm nay là hạn cuối"…

    None when the period has no deadline or is closed (the header says "Kỳ đã khóa").
    ``urgent`` marks the last three days and an overdue deadline.
    """
    if period.deadline is None or not period.is_open:
        return None
    days = (period.deadline - (today or timezone.localdate())).days
    if days > 0:
        text = ngettext("còn %(days)d ngày", "còn %(days)d ngày", days) % {"days": days}
    elif days == 0:
        text = _("hôm nay là hạn cuối")
    else:
        text = ngettext("đã quá hạn %(days)d ngày", "đã quá hạn %(days)d ngày", -days) % {"days": -days}
    return {"days": days, "text": text, "urgent": days <= 3}


def attachments_of(submission):
    """The submission's attachments, oldest first, with who uploaded them (1 query)."""
    if submission is None:
        return []
    return list(Attachment.objects.filter(submission=submission).select_related("uploaded_by"))
