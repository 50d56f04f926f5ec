"""Database statements the ORM has no single-statement form for."""

from django.db import connections, router
from django.db.models import Model
from django.db.models.sql import InsertQuery


def insert_unless_taken(instance: Model) -> bool:
    """Insert a new row unless one of its unique keys is already taken; True when inserted.

    One `INSERT ... ON CONFLICT DO NOTHING RETURNING pk` (PostgreSQL and SQLite): a key held by a
    concurrent transaction makes the statement wait for it and then skip, and a skipped row
    raises nothing, so the caller's transaction stays usable without a savepoint (get_or_create
    needs one, and a look-up before it: four statements instead of one). Only unique keys are
    skipped; a NOT NULL or CHECK violation still raises, as it would from save().
    """
    model = type(instance)
    using = router.db_for_write(model, instance=instance)
    connection = connections[using]
    # As Model.save() chooses them: the database numbers an auto primary key.
    fields = [
        field
        for field in model._meta.local_concrete_fields
        if not field.generated and not (field is model._meta.auto_field and instance.pk is None)
    ]
    query = InsertQuery(model)
    query.insert_values(fields, [instance])
    [(sql, params)] = query.get_compiler(using=using).as_sql()
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} ON CONFLICT DO NOTHING RETURNING {pk_column}", params)
        row = cursor.fetchone()
    if row is None:
        return False
    instance.pk = row[0]
    instance._state.adding = False
    instance._state.db = using
    return True
