"""Vietnamese formats on top of Django's (django/conf/locale/vi/formats.py).

Django's Vietnamese locale sets "." as thousand separator but no grouping, so 1234 stays
"1234"; official documents write "1.234". Short dates are written dd/mm/yyyy, not d-m-Y.
"""

NUMBER_GROUPING = 3
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
