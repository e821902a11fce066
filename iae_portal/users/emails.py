"""E-mail addresses as the portal compares them: one form for every comparison.

Two addresses name the same person when their ``comparable_email`` forms are equal: the
login (and its throttling), the password reset (and its limit per address) and the
invitations to a structure all compare that way, so no spelling of an address reaches an
account by one path while escaping the count of another.
"""

import unicodedata


def comparable_email(address):
    """``address`` trimmed, normalised (NFKC) and case-folded: ``Jo@Probe.test``,
    ``jo@probe.test`` and ``jo@PROBE.teſt`` give one form (the long s ``ſ`` is an ``s``,
    the ligature ``ﬁ`` is ``fi``, ``ß`` is ``ss``). It is the comparison Django's password
    reset applies to the accounts its database lookup finds (``_unicode_ci_compare``), so a
    limit keyed on it holds for every spelling that reaches the same account."""
    return unicodedata.normalize("NFKC", (address or "").strip()).casefold()


def same_email(first, second):
    """Whether two addresses name the same person (``comparable_email``)."""
    return comparable_email(first) == comparable_email(second)
