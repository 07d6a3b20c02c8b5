-- public.cowork_citus_distribute(): distributes a fresh, empty cowork on the
-- coordinator, for the Citus test (test/citus/run.sh creates it once in the
-- test database, then the test scripts call it right after CREATE
-- EXTENSION cowork).
--
-- When the extension has cowork.distribute() (and the test's mode allows
-- it: cowork_test.citus_distribute = auto or function) it calls that; with
-- none it leaves the tables local (the baseline: Citus loaded, nothing
-- distributed).
-- Otherwise it distributes by hand, as cowork.distribute() is to: the tables
-- without location_id as reference tables, every other table of the
-- extension by location_id, co-located with cowork.location.  The foreign
-- keys are dropped first, on every node, and added back afterwards from the
-- coordinator: with them in place, making person a reference table makes
-- Citus convert every local table that references it into a Citus local
-- table, which drops the extension's views ("cannot drop view
-- cowork.nonmembers because extension cowork requires it").  On the workers
-- the extension's own tables (Citus ran CREATE EXTENSION there too) become
-- the shells of the distributed tables, so they must lose their keys too.
--
-- First it removes what an earlier DROP EXTENSION cowork left behind: Citus
-- drops the distributed tables' metadata with the extension but not their
-- shards (relations of schema cowork that are no member of the extension).
CREATE OR REPLACE FUNCTION public.cowork_citus_distribute()
RETURNS text
LANGUAGE plpgsql
SET citus.enable_unsafe_triggers = on
SET citus.multi_shard_modify_mode = sequential
SET client_min_messages = warning
AS $fn$
DECLARE
    orphans constant text := $orphans$
        DO $do$
        DECLARE r record;
        BEGIN
            FOR r IN
                SELECT c.oid::pg_catalog.regclass AS rel
                  FROM pg_catalog.pg_class c
                 WHERE c.relnamespace OPERATOR(pg_catalog.=) 'cowork'::pg_catalog.regnamespace
                   AND c.relkind IN ('r', 'p')
                   AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
                                    WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
                                      AND d.objid OPERATOR(pg_catalog.=) c.oid
                                      AND d.deptype OPERATOR(pg_catalog.=) 'e')
            LOOP
                EXECUTE pg_catalog.format('DROP TABLE IF EXISTS %s CASCADE', r.rel);
            END LOOP;
        END
        $do$
    $orphans$;
    mode text := coalesce(nullif(current_setting('cowork_test.citus_distribute', true), ''), 'auto');
    fk record;
    t record;
BEGIN
    EXECUTE orphans;
    PERFORM pg_catalog.run_command_on_workers(orphans);
    IF mode OPERATOR(pg_catalog.=) 'none' THEN
        RETURN 'not distributed';
    END IF;

    IF mode IN ('auto', 'function')
       AND pg_catalog.to_regprocedure('cowork.distribute()') IS NOT NULL THEN
        EXECUTE 'SELECT cowork.distribute()';
        RETURN 'cowork.distribute()';
    ELSIF mode OPERATOR(pg_catalog.=) 'function' THEN
        RAISE EXCEPTION 'cowork.distribute() does not exist';
    END IF;

    CREATE TEMPORARY TABLE cowork_citus_fk ON COMMIT DROP AS
        SELECT c.conrelid::pg_catalog.regclass AS rel, c.conname,
               pg_catalog.pg_get_constraintdef(c.oid) AS def
          FROM pg_catalog.pg_constraint c
         WHERE c.contype OPERATOR(pg_catalog.=) 'f'
           AND c.connamespace OPERATOR(pg_catalog.=) 'cowork'::pg_catalog.regnamespace;
    FOR fk IN SELECT * FROM cowork_citus_fk LOOP
        EXECUTE pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT %I', fk.rel, fk.conname);
        PERFORM pg_catalog.run_command_on_workers(
            pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT IF EXISTS %I', fk.rel, fk.conname));
    END LOOP;
    FOR t IN
        SELECT c.oid::pg_catalog.regclass AS rel,
               EXISTS (SELECT FROM pg_catalog.pg_attribute a
                        WHERE a.attrelid OPERATOR(pg_catalog.=) c.oid
                          AND a.attname OPERATOR(pg_catalog.=) 'location_id'
                          AND NOT a.attisdropped) AS by_location
          FROM pg_catalog.pg_class c
         WHERE c.relnamespace OPERATOR(pg_catalog.=) 'cowork'::pg_catalog.regnamespace
           AND c.relkind IN ('r', 'p')
           AND NOT c.relispartition
         ORDER BY c.relname OPERATOR(pg_catalog.<>) 'location', c.relname
    LOOP
        IF NOT t.by_location THEN
            PERFORM pg_catalog.create_reference_table(t.rel);
        ELSIF t.rel OPERATOR(pg_catalog.=) 'cowork.location'::pg_catalog.regclass THEN
            PERFORM pg_catalog.create_distributed_table(t.rel, 'location_id');
        ELSE
            PERFORM pg_catalog.create_distributed_table(t.rel, 'location_id',
                                                        colocate_with => 'cowork.location');
        END IF;
    END LOOP;
    FOR fk IN SELECT * FROM cowork_citus_fk LOOP
        EXECUTE pg_catalog.format('ALTER TABLE %s ADD CONSTRAINT %I %s', fk.rel, fk.conname, fk.def);
    END LOOP;
    DROP TABLE cowork_citus_fk;
    RETURN 'by hand';
END
$fn$;
