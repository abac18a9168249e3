"""Project-wide middleware that belongs to no app."""

from django.utils.cache import patch_cache_control


class PrivateWhenLoggedInMiddleware:
    """A page served to a logged-in person is theirs: `Cache-Control: private`, so no shared proxy or
    CDN keeps it for the next visitor. Merged into whatever the view set (a `public` is dropped)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True)
        return response
