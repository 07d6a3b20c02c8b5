-- Prints a query (test/shell/upgrade.sh saves it and runs it before and
-- after the upgrade) that gives, for every table of the cowork and public
-- schemas, its row count and an md5 of its rows over the columns it has at
-- the time this runs, and the value of each of their sequences.  The psql
-- variable kept names a table of (tbl, filter) pairs: rows of tbl an upgrade
-- documents as moved elsewhere are left out by "WHERE filter", on both
-- sides (test/upgrade/kept-<release>.sql).
SELECT string_agg(q, E'\nUNION ALL ' ORDER BY tbl COLLATE "C") || E'\nORDER BY 1;'
  FROM (SELECT c.oid::regclass::text AS tbl,
               pg_catalog.format(
                 'SELECT %L AS tbl, count(*) AS n, md5(coalesce(string_agg(r::text, E''\n'' ORDER BY r::text), '''')) AS sum FROM (SELECT %s FROM %s WHERE %s) AS r',
                 c.oid::regclass::text,
                 (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                    FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
                 c.oid::regclass::text,
                 coalesce((SELECT k.filter FROM kept k WHERE k.tbl = c.oid::regclass::text), 'true')) AS q
          FROM pg_class c
         WHERE c.relnamespace IN ('cowork'::regnamespace, 'public'::regnamespace) AND c.relkind IN ('r', 'p')
        UNION ALL
        SELECT c.oid::regclass::text,
               pg_catalog.format('SELECT %L, last_value, NULL FROM %s', c.oid::regclass::text,
                                 c.oid::regclass::text)
          FROM pg_class c
         WHERE c.relnamespace IN ('cowork'::regnamespace, 'public'::regnamespace) AND c.relkind = 'S'
       ) AS per_table;
