from django import template

from incidents.dashboard import editors_dashboard as queues_for

register = template.Library()


@register.simple_tag(takes_context=True)
def editors_dashboard(context):
    """The editors' dashboard queues for the logged-in user."""
    return queues_for(context["request"].user)
