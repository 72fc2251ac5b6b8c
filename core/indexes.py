"""Index kinds the databases spell differently."""

from django.db import models
from django.db.models.expressions import OrderBy


class IndexNullsLast(models.Index):
    """An index over expressions some of which are `F(...).desc(nulls_last=True)`, for a query ordered the same way
    (PostgreSQL uses an index for ORDER BY … DESC NULLS LAST only when the index says NULLS LAST). SQLite refuses
    NULLS LAST in CREATE INDEX, and sorts NULL below every value, so that a descending column puts them last anyway:
    it gets the same columns without the clause."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "sqlite":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        expressions = [OrderBy(e.expression, descending=e.descending) if isinstance(e, OrderBy) else e
                       for e in self.expressions]
        plain = models.Index(*expressions, name=self.name, db_tablespace=self.db_tablespace,
                             condition=self.condition, include=self.include)
        return plain.create_sql(model, schema_editor, using=using, **kwargs)
