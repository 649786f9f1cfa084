from django.conf import settings


def site(request):
    """Navigation facts for the base layout: asset source and the user's roles."""
    context = {"DAMHA_ASSETS": settings.DAMHA_ASSETS}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from committees.access import navigation_for

        context["nav"] = navigation_for(user)
    return context
