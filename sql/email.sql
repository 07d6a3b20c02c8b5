-- The email rule (SPEC section 3): one validator for cowork.normalize_email,
-- the functions, and direct INSERT/UPDATE of cowork.person.
\i test/sql/create-extension.sql
\set SHOW_CONTEXT never

-- Runs a statement; returns 'ok' or its SQLSTATE and message.
CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE sql;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- Good addresses come back trimmed and lower-case.
SELECT input, cowork.normalize_email(input) AS stored
  FROM (VALUES ('ada@example.com'),
               ('  Ada.Lovelace@Example.COM  '),
               (E'\tbob+desk@sub.example.co.uk\n'),
               ('o''brien@example.ie'),
               ('x@a.io'),
               ('first.last-name_1@my-domain.example'),
               ('!#$%&''*+/=?^_`{|}~-@example.org'),
               ('user@123.example'),
               (repeat('l', 64) || '@example.com'),
               ('a@' || repeat('d', 63) || '.com')) AS t(input);

-- Every bad case: SQLSTATE 22023 and a message that says what is wrong.
SELECT label, pg_temp.try(format('SELECT cowork.normalize_email(%L)', input)) AS result
  FROM (VALUES ('null', NULL),
               ('empty', ''),
               ('blank', '   '),
               ('no @', 'ada.example.com'),
               ('two @', 'ada@home@example.com'),
               ('empty local part', '@example.com'),
               ('local part of 65 octets', repeat('l', 65) || '@example.com'),
               ('empty domain', 'ada@'),
               ('one-label domain', 'ada@localhost'),
               ('domain with leading dot', 'ada@.example.com'),
               ('domain with trailing dot', 'ada@example.com.'),
               ('domain with two dots', 'ada@example..com'),
               ('label with leading hyphen', 'ada@-example.com'),
               ('label with trailing hyphen', 'ada@example-.com'),
               ('label of 64 octets', 'ada@' || repeat('d', 64) || '.com'),
               ('label with underscore', 'ada@ex_ample.com'),
               ('domain of 254 octets', 'a@' || repeat(repeat('d', 62) || '.', 4) || 'ab'),
               ('address of 255 octets', repeat('l', 64) || '@' || repeat(repeat('d', 62) || '.', 3) || 'd'),
               ('inner space', 'ada lovelace@example.com'),
               ('inner tab', E'ada\t@example.com'),
               ('control character', E'ada\x01@example.com'),
               ('delete character', E'ada\x7f@example.com'),
               ('non-ASCII', 'adé@example.com'),
               ('quoted local part', '"ada"@example.com'),
               ('display name', 'Ada <ada@example.com>'),
               ('local part with leading dot', '.ada@example.com'),
               ('local part with trailing dot', 'ada.@example.com'),
               ('local part with two dots', 'ada..l@example.com'),
               ('address literal', 'ada@[192.168.0.1]')) AS t(label, input);

-- The sizes of those two cases.
SELECT length(repeat(repeat('d', 62) || '.', 4) || 'ab') AS domain_octets,
       length(repeat('l', 64) || '@' || repeat(repeat('d', 62) || '.', 3) || 'd') AS address_octets;

-- A 254-octet address (64-octet local part) is the longest accepted.
SELECT length(cowork.normalize_email(repeat('l', 64) || '@' || repeat(repeat('d', 62) || '.', 2) || repeat('d', 61) || '.c')) AS longest;

-- The full error, with its detail (and hint for a missing address).
SELECT cowork.normalize_email(NULL);
SELECT cowork.normalize_email('ada@-example.com');

-- is_valid_email: the same rule without the error.
SELECT cowork.is_valid_email('Ada@Example.com') AS good,
       cowork.is_valid_email('ada@@example.com') AS bad,
       cowork.is_valid_email(NULL) AS missing;

-- The functions apply the rule and write nothing on a bad address.
SELECT cowork.create_location('Downtown') AS loc \gset
SELECT label, pg_temp.try(format('SELECT cowork.add_nonmember(%s, %L, %L)', :loc, 'Ada', input)) AS add_nonmember,
       pg_temp.try(format('SELECT cowork.invite_member(%s, %L, %L)', :loc, 'Ada', input)) AS invite_member
  FROM (VALUES ('null', NULL), ('empty', ''), ('malformed', 'ada@example'),
               ('two @', 'a@b@example.com')) AS t(label, input);
SELECT (SELECT count(*) FROM cowork.person) AS persons,
       (SELECT count(*) FROM cowork.customer) AS customers,
       (SELECT count(*) FROM cowork.customer_event) AS events;

-- Direct INSERT and UPDATE of cowork.person go through the same rule.
INSERT INTO cowork.person (email, full_name) VALUES (' Grace@Example.ORG ', ' Grace Hopper ');
SELECT email, full_name, phone FROM cowork.person;
INSERT INTO cowork.person (email, full_name) VALUES (NULL, 'No Email');
INSERT INTO cowork.person (email, full_name) VALUES ('nobody@', 'No Domain');
UPDATE cowork.person SET email = 'grace@@example.org';
UPDATE cowork.person SET email = 'GRACE.H@example.org', phone = '  ';
SELECT email, full_name, phone FROM cowork.person;
SELECT count(*) AS persons FROM cowork.person;

-- Emails are unique after normalisation.
INSERT INTO cowork.person (email, full_name) VALUES ('grace.h@EXAMPLE.org', 'Grace Again');

-- A name is required too.
INSERT INTO cowork.person (email, full_name) VALUES ('anon@example.org', '  ');
SELECT pg_temp.try(format('SELECT cowork.add_nonmember(%s, NULL, %L)', :loc, 'anon@example.org')) AS no_name;
SELECT count(*) AS persons FROM cowork.person;
