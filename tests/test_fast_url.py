"""{% url %} fills each link into a pattern reversed once, and says exactly what reverse() says."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse

from csops.templatetags.fast_url import url_parts


def render(source, **context):
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("tag", "context", "name", "args", "kwargs"),
    [
        ("{% url 'clients:list' %}", {}, "clients:list", [], {}),
        ("{% url 'clients:detail' pk %}", {"pk": 42}, "clients:detail", [42], {}),
        ("{% url 'clients:detail' 7 %}", {}, "clients:detail", [7], {}),
        (
            "{% url 'clients:call_detail' c k %}",
            {"c": 3, "k": 1234567},
            "clients:call_detail",
            [3, 1234567],
            {},
        ),
        (
            "{% url 'clients:detail' pk %}",
            {"pk": "42"},
            "clients:detail",
            ["42"],
            {},
        ),  # a string: Django's way
        ("{% url 'clients:detail' pk=9 %}", {}, "clients:detail", [], {"pk": 9}),
        ("{% url 'survey' token %}", {"token": "abc:def"}, "survey", ["abc:def"], {}),
    ],
)
def test_links_are_what_reverse_gives(tag, context, name, args, kwargs):
    assert render(tag, **context) == reverse(name, args=args, kwargs=kwargs)


def test_the_as_form_sets_a_variable():
    assert (
        render("{% url 'clients:detail' 5 as link %}[{{ link }}]")
        == f"[{reverse('clients:detail', args=[5])}]"
    )


def test_an_unknown_name_raises_as_django_does_and_as_gives_nothing():
    with pytest.raises(NoReverseMatch):
        render("{% url 'clients:nowhere' 5 %}")
    assert render("{% url 'clients:nowhere' 5 as link %}[{{ link }}]") == "[]"


def test_a_negative_or_boolean_argument_is_left_to_django():
    with pytest.raises(NoReverseMatch):
        render("{% url 'clients:detail' pk %}", pk=-1)
    with pytest.raises(NoReverseMatch):
        render("{% url 'clients:detail' pk %}", pk=True)


def test_a_pattern_is_reversed_once_for_any_number_of_links():
    url_parts.cache_clear()
    render("{% for pk in pks %}{% url 'clients:detail' pk %} {% endfor %}", pks=range(50))
    info = url_parts.cache_info()
    assert (info.misses, info.hits) == (1, 49)


def test_a_pages_links_are_filled_in(world, login):
    c = login(world.head)
    html = c.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert f'href="{reverse("clients:call_create", args=[world.client.pk])}"' in html
