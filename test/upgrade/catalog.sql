-- What test/shell/upgrade.sh compares between an upgraded and a freshly
-- installed database, besides the schema-only pg_dump: the extension's
-- version and settings, its member objects, which tables pg_dump keeps as
-- user data (and with which condition), and the privileges each member was
-- created with (pg_init_privs: what pg_dump compares grants against).
\pset footer off
\pset format unaligned
\pset fieldsep ' | '
\pset null '(null)'
SELECT extname, extversion, extrelocatable, extnamespace::regnamespace
  FROM pg_extension WHERE extname = 'cowork';

\echo '== members'
SELECT pg_describe_object(d.classid, d.objid, d.objsubid) COLLATE "C" AS member
  FROM pg_depend d
 WHERE d.refclassid = 'pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'cowork')
   AND d.deptype = 'e'
 ORDER BY member;

\echo '== user data kept by pg_dump'
SELECT c.cfg::regclass::text COLLATE "C" AS config, c.cond
  FROM pg_extension e,
       unnest(e.extconfig, e.extcondition) AS c(cfg, cond)
 WHERE e.extname = 'cowork'
 ORDER BY config;

\echo '== privileges as installed'
SELECT pg_describe_object(i.classoid, i.objoid, i.objsubid) COLLATE "C" AS object, i.privtype,
       i.initprivs::text AS initprivs
  FROM pg_init_privs i
  JOIN pg_depend d ON d.classid = i.classoid AND d.objid = i.objoid AND d.deptype = 'e'
       AND d.objsubid = 0
       AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'cowork')
 ORDER BY object, i.privtype;

\echo '== triggers (enabled state included)'
SELECT t.tgrelid::regclass::text COLLATE "C" AS tbl, t.tgname COLLATE "C" AS tgname, t.tgenabled, pg_get_triggerdef(t.oid) AS def
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE c.relnamespace = 'cowork'::regnamespace AND NOT t.tgisinternal
 ORDER BY tbl, tgname;

\echo '== row-level security and policies'
SELECT c.oid::regclass::text COLLATE "C" AS tbl, c.relrowsecurity, c.relforcerowsecurity
  FROM pg_class c
 WHERE c.relnamespace = 'cowork'::regnamespace AND c.relkind IN ('r', 'p')
 ORDER BY tbl;
SELECT schemaname, tablename, policyname, permissive, roles, cmd, qual, with_check
  FROM pg_policies WHERE schemaname = 'cowork'
 ORDER BY tablename COLLATE "C", policyname COLLATE "C";

\echo '== privileges now'
SELECT c.oid::regclass::text COLLATE "C" AS object, c.relkind, c.relacl::text AS acl
  FROM pg_class c WHERE c.relnamespace = 'cowork'::regnamespace
UNION ALL
SELECT p.oid::regprocedure::text, p.prokind, p.proacl::text
  FROM pg_proc p WHERE p.pronamespace = 'cowork'::regnamespace
UNION ALL
SELECT t.oid::regtype::text, t.typtype, t.typacl::text
  FROM pg_type t WHERE t.typnamespace = 'cowork'::regnamespace
UNION ALL
SELECT n.nspname, 'n', n.nspacl::text FROM pg_namespace n WHERE n.nspname = 'cowork'
 ORDER BY object, relkind;
