"""The project's URLs plus the baseline views the benchmarks compare against."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from damha.urls import urlpatterns as project_urlpatterns


@login_required
def trivial(request):
    """The same middleware and login check as every page, and nothing else."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def trivial_template(request):
    """The site layout rendered with no database work of its own."""
    return render(request, "home.html", {"roots": [], "period": None})


urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("bench/template/", trivial_template, name="bench_template"),
    *project_urlpatterns,
]
