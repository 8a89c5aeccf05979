"""Whole-token search over a space-joined, pre-tokenised Thai `search_text`.

``Idea.objects.filter(search_text__tokens_all=["นัดหมาย", "ออนไลน์"])`` keeps rows whose
search text contains every term as a whole token.

- PostgreSQL: ``string_to_array(search_text, ' ') @> ARRAY[...]`` served by a GIN index on the
  same expression (created in the migration), so the match is exact and indexed.
- Other databases (SQLite): ``' ' || search_text || ' ' LIKE '% term %'`` per term.
"""

from django.db import models
from django.db.models import Lookup


class SearchTextField(models.TextField):
    """A TextField holding space-joined tokens; adds the ``tokens_all`` lookup."""


@SearchTextField.register_lookup
class TokensAll(Lookup):
    lookup_name = "tokens_all"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [list(value)])

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        terms = [str(term) for term in self.rhs]
        return f"string_to_array({lhs}, ' ') @> %s::text[]", [*lhs_params, terms]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        terms = [str(term) for term in self.rhs]
        if not terms:
            return "1 = 1", []
        parts, params = [], []
        for term in terms:
            escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            parts.append(f"(' ' || {lhs} || ' ') LIKE %s ESCAPE '\\'")
            params.extend([*lhs_params, f"% {escaped} %"])
        return "(" + " AND ".join(parts) + ")", params


POSTGRES_INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS ideas_idea_search_tokens_gin "
    "ON ideas_idea USING GIN (string_to_array(search_text, ' '))"
)
POSTGRES_INDEX_DROP_SQL = "DROP INDEX IF EXISTS ideas_idea_search_tokens_gin"
