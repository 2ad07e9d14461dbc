"""Contains-search on members' names through an index (issue #28).

Names are stored plainly (only the ID number is encrypted, and found through its keyed hash),
so a search can read them. "佳怡" must find 吴佳怡; LIKE '%佳怡%' would read every row of a
city's roster, and pg_trgm cannot help a two-character pattern (it extracts no trigram from
it), which is what a Chinese given name is. So each name's characters and character pairs go
into a GIN index through an immutable function, and a search asks for the pairs of what was
typed (members.selectors.name_contains_q). PostgreSQL only: SQLite, the embedded default,
scans its small rosters with LIKE.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION member_name_grams(name text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}'::text[]) FROM (
    SELECT substr(lower(name), i, 1) AS g FROM generate_series(1, char_length(name)) AS i
    UNION ALL
    SELECT substr(lower(name), i, 2) FROM generate_series(1, char_length(name) - 1) AS i
  ) AS grams
$$;
CREATE INDEX IF NOT EXISTS member_name_grams ON members_member USING gin (member_name_grams(name));
"""

REVERSE = """
DROP INDEX IF EXISTS member_name_grams;
DROP FUNCTION IF EXISTS member_name_grams(text);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE)


class Migration(migrations.Migration):
    dependencies = [("members", "0005_member_development_number")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
