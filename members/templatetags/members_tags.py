"""The organisation page's roster panel: reads through selectors, nothing else."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("members/_organisation_roles.html", takes_context=True)
def organisation_roles(context, organisation):
    user = context["request"].user
    return {
        "organisation": organisation,
        "roles": selectors.current_roles(organisation=organisation, user=user),
        "counts": selectors.member_counts(organisation=organisation, user=user),
    }
