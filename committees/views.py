from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from .access import navigation_for
from .forms import UnitChangeForm
from .services import UnitChangeError, record_change


@staff_member_required
def unit_change(request):
    """Administrators record a merger, split, move, rename or dissolution of units."""
    result = None
    form = UnitChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = record_change(**form.change_arguments())
        except UnitChangeError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã ghi nhận thay đổi đơn vị hành chính."))
            form = UnitChangeForm()
    return render(request, "committees/unit_change.html", {"form": form, "result": result})


@login_required
def help_page(request):
    """ "Hướng dẫn sử dụng": a short guide per role, the user's own roles first."""
    return render(request, "help.html", {"nav": navigation_for(request.user)})
