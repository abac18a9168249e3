"""`{% fragment name %}…{% endfragment %}`: a region of a page kept in the shared cache (reporting/cache.py).

    {% load fragments %}
    {% fragment "client-panels" %} … {% endfragment %}

The view puts `fragment_scopes` (what the region reads: reporting.cache.scopes_of()) and
`fragment_parts` (everything else its HTML depends on: the viewer's permissions, the page asked for)
in the context. On a hit the region is not rendered at all, so the view passes what only the
region reads as lazy values (reporting.cache.lazy): they are never computed. `{% csrf_token %}`
inside renders a placeholder that each request gets its own token put back into. Without
`fragment_scopes` in the context (or with caching off) the region renders as usual.
"""

from django import template

from ..cache import cached, csrf_context

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
        return cached(context.get("request"), name, parts, compute, scopes=scopes)


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% fragment name %} takes one argument: the fragment's name")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(parser.compile_filter(bits[1]), nodelist)
