from allauth.socialaccount import views as sso_views
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from clients.views import my_week
from commercial.views.search import search
from people.views import PasswordResetView, calendar_feed, home
from people.views.two_factor import LoginView, login_code
from reporting.views import survey
from reporting.views.sharing import dashboard_shared

from .health import health
from .views import bench_bare

admin.site.site_header = "CS Ops administration"
admin.site.site_title = "CS Ops admin"

urlpatterns = [
    path("", home, name="home"),
    # before django.contrib.auth.urls: the reset page with its hourly limits
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    # before django.contrib.auth.urls: the log-in page that asks a TOTP user for their code next
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/login/code/", login_code, name="login_code"),
    path("accounts/", include("django.contrib.auth.urls")),
    # single sign-on (people/sso.py): the OIDC round trip, and the pages allauth sends people to
    path("accounts/sso/", include("allauth.socialaccount.providers.openid_connect.urls")),
    path("accounts/sso/cancelled/", sso_views.login_cancelled, name="socialaccount_login_cancelled"),
    path("accounts/sso/error/", sso_views.login_error, name="socialaccount_login_error"),
    path("accounts/sso/signup/", sso_views.signup, name="socialaccount_signup"),
    # allauth names the log-in page "account_login": the same page as "login" (never reached: the
    # auth URLs above match first; here so allauth can reverse it)
    path("accounts/login/", LoginView.as_view(), name="account_login"),
    path("my-week/", my_week, name="my_week"),
    # the navigation bar's search (commercial/search.py, over clients/search.py)
    path("search/", search, name="search"),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar_feed"),
    # a client contact's NPS answer: no login, the signed link is the credential
    path("survey/<str:token>/", survey, name="survey"),
    # a client's live activity dashboard: no login, the signed share link is the credential
    path("d/<str:token>/", dashboard_shared, name="dashboard_shared"),
    path("clients/", include("clients.urls")),
    path("people/", include("people.urls")),
    path("reporting/", include("reporting.urls")),
    path("commercial/", include("commercial.urls")),
    path("onboarding/", include("onboarding.urls")),
    path("admin/", admin.site.urls),
    # no login: docker-compose's healthchecks and a load balancer ask it (csops/health.py)
    path("health/", health, name="health"),
    # the REST API, its schema and docs (csops/api_urls.py)
    path("api/", include("csops.api_urls")),
    # every list as CSV or Excel (csops/export_urls.py)
    path("exports/", include("csops.export_urls")),
]
if settings.CSOPS_BENCH:
    # `make bench` compares every key page with this bare view (same middleware, same login); only
    # its own server mounts it (tools/bench sets CSOPS_BENCH=1)
    urlpatterns.append(path("bench/bare/", bench_bare, name="bench_bare"))
# No route serves MEDIA_URL, in any mode: uploads (signed contracts) go out only through views that
# check who may see them (commercial:contract_document).
