"""The honours panels on the organisation and member pages: reads through selectors, nothing else."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("honours/_organisation_honours.html", takes_context=True)
def organisation_honours(context, organisation):
    user = context["request"].user
    return {
        "organisation": organisation,
        "panel": selectors.organisation_honours(user=user, organisation=organisation),
        "can_write": user.can_write,
    }


@register.inclusion_tag("honours/_member_honours.html", takes_context=True)
def member_honours(context, member):
    user = context["request"].user
    return {
        "member": member,
        "honours": selectors.member_honours(user=user, member=member),
        "can_write": user.can_write,
    }
