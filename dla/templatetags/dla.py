from django import template

register = template.Library()


@register.filter
def percent(share):
    """``0.667`` → ``66,7 %`` (the bilan's shares are fractions rounded to 3 decimals)."""
    return f"{share * 100:.1f}".replace(".", ",") + "\u00a0%"
