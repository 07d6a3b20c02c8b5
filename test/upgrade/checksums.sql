-- Prints a query (test/shell/upgrade.sh saves it and runs it before and
-- after the upgrade) that gives, for every table of the cowork and public
-- schemas, its row count and an md5 of its rows over the columns it has at
-- the time this runs, and the value of every sequence of those schemas.
SELECT string_agg(pg_catalog.format(
         'SELECT %L AS tbl, count(*) AS n, md5(coalesce(string_agg(r::text, E''\n'' ORDER BY r::text), '''')) AS sum FROM (SELECT %s FROM %s) AS r',
         c.oid::regclass::text,
         (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
            FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
         c.oid::regclass::text), E'\nUNION ALL ' ORDER BY c.oid::regclass::text COLLATE "C")
       || E'\nUNION ALL SELECT schemaname || ''.'' || sequencename, last_value, NULL FROM pg_sequences'
       || E' WHERE schemaname IN (''cowork'', ''public'')\nORDER BY 1;'
  FROM pg_class c
 WHERE c.relnamespace IN ('cowork'::regnamespace, 'public'::regnamespace) AND c.relkind IN ('r', 'p');
