"""``field__any=[…]``: the values of a list, as one parameter.

``field__in=ids`` writes one placeholder per value: for a page of 1,000 rows the driver
then parses a query of 1,000 placeholders on every request (psycopg's query splitting was
a sixth of an API page's time, bench/api_sync.py). On PostgreSQL ``any`` sends the list as
one array (``field = ANY(%s::bigint[])``), a short query the driver caches; elsewhere it is
``IN`` as before. Registered on every field (and relation) by ``CoreConfig.ready``."""

from django.db.models import Field, ForeignObject, Lookup


class Any(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self):
        field = self.lhs.output_field
        return [field.get_prep_value(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(value, connection, prepared=True) for value in self.rhs]
        if not values:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            db_type = (
                field.rel_db_type(connection) if field.is_relation else field.db_type(connection)
            )
            return f"{lhs} = ANY(%s::{db_type}[])", (*lhs_params, values)
        placeholders = ", ".join(["%s"] * len(values))
        return f"{lhs} IN ({placeholders})", (*lhs_params, *values)


def register():
    # Relations keep lookups of their own (``ForeignObject.get_class_lookups``).
    Field.register_lookup(Any)
    ForeignObject.register_lookup(Any)
