"""`{% fragment name %}…{% endfragment %}`: a region of a page kept in the shared cache (reporting/cache.py).

    {% load fragments %}
    {% fragment "client-panels" %} … {% endfragment %}

The view puts `fragment_scopes` (what the region reads: reporting.cache.scopes_of()) and
`fragment_parts` (everything else its HTML depends on: the viewer's permissions, the page asked for)
in the context. On a hit the region is not rendered at all, so the view passes what only the
region reads as lazy values (reporting.cache.lazy): they are never computed. `{% csrf_token %}`
inside renders a placeholder that each request gets its own token put back into. Without
`fragment_scopes` in the context (or with caching off) the region renders as usual.

The first region a page renders looks up every region of the page in one round trip (the page's
template and the templates it includes by a fixed name); a region whose key turns out different
(rendered with other parts, or under a name only known then) looks itself up as before.
"""

from django import template
from django.template import TemplateDoesNotExist
from django.template.loader_tags import IncludeNode

from ..cache import cached, csrf_context, look_up_ahead

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, name, nodelist):
        self.name, self.nodelist = name, nodelist

    def render(self, context):
        name = self.name.resolve(context)
        scopes = context.get("fragment_scopes")
        if scopes is None:
            return self.nodelist.render(context)

        def compute():
            with context.push(csrf_context()):
                return self.nodelist.render(context)

        parts = tuple(context.get("fragment_parts", ()))
        request = context.get("request")
        if request is not None and not hasattr(request, "_csops_looked_up") and context.template is not None:
            names = [node.name.resolve(context) for node in fragments_of(context.template)]
            look_up_ahead(
                request, [n for n in dict.fromkeys(names) if n and isinstance(n, str)], parts, scopes
            )
        return cached(request, name, parts, compute, scopes=scopes)


def fragments_of(page) -> list[FragmentNode]:
    """The `{% fragment %}` nodes of a compiled template and of those it includes by a fixed name,
    found once per compiled template."""
    found = getattr(page, "_csops_fragments", None)
    if found is None:
        found = page._csops_fragments = _fragments_within(page, {page.origin.template_name})
    return found


def _fragments_within(page, seen: set) -> list[FragmentNode]:
    found = list(page.nodelist.get_nodes_by_type(FragmentNode))
    for include in page.nodelist.get_nodes_by_type(IncludeNode):
        name = include.template.var
        if isinstance(name, str) and not include.template.filters and name not in seen:
            seen.add(name)
            try:
                found += _fragments_within(page.engine.get_template(name), seen)
            except TemplateDoesNotExist:  # rendering it says so, if it is ever rendered
                continue
    return found


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% fragment name %} takes one argument: the fragment's name")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(parser.compile_filter(bits[1]), nodelist)
