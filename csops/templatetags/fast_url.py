"""`{% url %}` with the reversing done once per URL pattern, not once per link.

Django's `reverse()` walks the resolver for every link (~25 µs); a page listing a few hundred rows
with two or three links each spends a sixth of its time there. For the common case — positional
arguments that are all non-negative integers (the primary keys in our URLs) — this tag reverses the
pattern once with sentinel numbers, remembers the text around them, and fills each link in. Any
other use (keyword arguments, strings, a pattern whose converter rewrites the number) goes to
Django's own tag, so the output is the same as `reverse()` gives. Installed as a template builtin
in settings.TEMPLATES, so templates need no `{% load %}`.
"""

import functools

from django import template
from django.conf import settings
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()
SENTINEL = 7_919_000_001  # far beyond any id here; each argument gets its own


@functools.lru_cache(maxsize=4096)
def url_parts(view_name: str, nargs: int, current_app, urlconf, root_urlconf, prefix):
    """The text around each argument of `view_name`'s URL, or None when it cannot be filled in."""
    sentinels = [str(SENTINEL + i) for i in range(nargs)]
    try:
        url = reverse(view_name, args=sentinels, current_app=current_app, urlconf=urlconf)
    except NoReverseMatch:
        return None
    parts = []
    for sentinel in sentinels:
        if url.count(sentinel) != 1:
            return None  # a converter changed the value: let reverse() do each link
        before, url = url.split(sentinel)
        parts.append(before)
    return (*parts, url)


def url_env(context) -> tuple:
    """What a reversal depends on besides its arguments, worked out once per request."""
    request = getattr(context, "request", None)
    env = getattr(request, "_fast_url_env", None)
    if env is None:
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        env = (current_app, get_urlconf(), settings.ROOT_URLCONF, get_script_prefix())
        if request is not None:
            request._fast_url_env = env
    return env


class FastURLNode(URLNode):
    def render(self, context):
        if self.kwargs:
            return super().render(context)
        args = [arg.resolve(context) for arg in self.args]
        if not all(type(arg) is int and arg >= 0 for arg in args):
            return super().render(context)
        parts = url_parts(self.view_name.resolve(context), len(args), *url_env(context))
        if parts is None:
            return super().render(context)
        url = "".join(part + str(arg) for part, arg in zip(parts, args, strict=False)) + parts[-1]
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return FastURLNode(node.view_name, node.args, node.kwargs, node.asvar)
