"""PDFs from templates with WeasyPrint (PRODUCT.md §2: meet packs, satisfaction reports).

The stylesheet is read from static/ and no URL outside it is fetched: a PDF renders the same with
no network, and a stray link in user text cannot make the server call out.
"""

from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "pdf.css"


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"PDF rendering fetches nothing from outside: {url}")


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=_no_fetch, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET), url_fetcher=_no_fetch)]
    )


def pdf_response(template: str, context: dict, filename: str) -> HttpResponse:
    response = HttpResponse(render_pdf(template, context), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slugify(filename)}.pdf"'
    return response
