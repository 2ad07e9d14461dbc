"""Insert many new rows at once: COPY on PostgreSQL, ``bulk_create`` elsewhere.

``bulk_create`` sends batches of ``INSERT … VALUES`` with one parameter per cell: Django prepares
every value through its field and psycopg2 quotes it into the statement, which PostgreSQL then
parses. For a 50,000-member import that is about half of the write. COPY takes the rows as
tab-separated text: each value is formatted once here, and the server reads it without a
statement to parse.

Only the field types whose text form is plain are written this way (text, numbers, booleans,
dates, datetimes, foreign keys); a model with any other concrete field goes through
``bulk_create`` unchanged. Like ``bulk_create``, no ``save()`` is called and no signal is sent.
Unlike it, the instances do not get their primary keys back: callers find the rows again by a
unique column when they need to.
"""

import io
from collections.abc import Callable, Iterable
from datetime import date, datetime
from itertools import islice

from django.db import connections, models, router
from django.db.backends.postgresql.psycopg_any import is_psycopg3

# COPY's text format: a backslash, tab, newline or carriage return in a value is escaped; \N is NULL.
NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})

TEXT_TYPES = {"CharField", "TextField", "SlugField", "EmailField", "URLField"}
INTEGER_TYPES = {
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
}


# Internal type → the type a value has when Django would write it as it is, and its COPY text.
# Any other value (a string in a date field, "False" in a boolean one) is first prepared by the
# field, exactly as bulk_create prepares it.
_PLAIN: dict[str, tuple[type, Callable[[object], str]]] = {
    **{kind: (str, lambda value: value.translate(_ESCAPES)) for kind in TEXT_TYPES},
    **{kind: (int, str) for kind in INTEGER_TYPES},
    "BooleanField": (bool, lambda value: "t" if value else "f"),
    "DateField": (date, date.isoformat),
}


def _formatter(field: models.Field, connection) -> Callable[[object], str] | None:
    """How one field's value is written as COPY text, or None when this module does not write it."""
    kind = field.get_internal_type()
    if kind == "DateTimeField":

        def datetime_text(value) -> str:
            if type(value) is not datetime or value.tzinfo is None:
                value = field.get_db_prep_save(value, connection)  # naive: made aware, with Django's warning
            return value.isoformat()

        return datetime_text
    if kind == "DecimalField":
        return lambda value: str(field.get_db_prep_save(value, connection))
    if kind not in _PLAIN:
        return None
    plain, write = _PLAIN[kind]

    def formatted(value) -> str:
        return write(value if type(value) is plain else field.get_db_prep_save(value, connection))

    return formatted


def _columns(model, objs: list, connection):
    """(field, formatter) for each column COPY writes, or None when COPY cannot write these rows."""
    if connection.vendor != "postgresql" or is_psycopg3:  # copy_expert is psycopg2's
        return None
    columns = []
    for field in model._meta.concrete_fields:
        if field.primary_key and getattr(field, "db_returning", False):
            # An automatic key is left to the database, unless some instance brings its own.
            if any(obj.pk is not None for obj in objs):
                return None
            continue
        if field.db_default is not models.NOT_PROVIDED or field.generated:
            return None
        formatter = _formatter(field.target_field if field.is_relation else field, connection)
        if formatter is None:
            return None
        columns.append((field, formatter))
    return columns


def _lines(objs: Iterable, columns) -> Iterable[str]:
    # A field that sets its own value (auto_now, auto_now_add) is asked through pre_save, as
    # bulk_create asks it; every other value is read straight from the instance.
    plan = [
        (
            field.attname,
            formatter,
            field if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) else None,
        )
        for field, formatter in columns
    ]
    for obj in objs:
        cells = []
        for attname, formatter, own in plan:
            value = own.pre_save(obj, True) if own is not None else getattr(obj, attname)
            cells.append(NULL if value is None else formatter(value))
        yield "\t".join(cells)


def insert_rows(model: type[models.Model], objs: Iterable[models.Model], *, batch_size: int = 5000) -> int:
    """Insert the new instances ``objs`` of ``model``; return how many. See the module's note:
    COPY on PostgreSQL when every field is plain, ``bulk_create`` otherwise."""
    objs = list(objs)
    if not objs:
        return 0
    connection = connections[router.db_for_write(model)]
    columns = _columns(model, objs, connection)
    if columns is None:
        model._default_manager.bulk_create(objs, batch_size=min(batch_size, 1000))
        return len(objs)
    for obj in objs:
        # What bulk_create checks first: a related object must be saved before it is referred to.
        obj._prepare_related_fields_for_save(operation_name="insert_rows")
    quote = connection.ops.quote_name
    sql = "COPY {} ({}) FROM STDIN".format(  # noqa: S608 - names from the model
        quote(model._meta.db_table), ", ".join(quote(field.column) for field, _ in columns)
    )
    rows = iter(objs)
    # copy_expert is the driver's own method, outside the errors Django's cursor translates:
    # without the wrapper a duplicate key would be psycopg2's UniqueViolation, not IntegrityError.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        while batch := list(islice(rows, batch_size)):
            cursor.copy_expert(sql, io.StringIO("\n".join(_lines(batch, columns)) + "\n"))
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return len(objs)
