"""The portal's formats over Django's zh_Hans ones (docs/dates.md).

Django's zh_Hans writes numbers without a thousands separator (29965): figures are grouped
by thousands (29,965) wherever a template asks for grouping (``intcomma``). A date written
without a format is a value, in ISO form (2026-12-05, with a time 2026-12-05 21:35); a
sentence writes its date in words with ``prose_day`` (core.templatetags.portal).
"""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
