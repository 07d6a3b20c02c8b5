-- Functions: credits and day passes.

CREATE FUNCTION @extschema@.grant_credits(location_id bigint, person_id bigint, amount numeric,
                                         kind @extschema@.credit_kind DEFAULT 'credits')
RETURNS numeric
AS 'MODULE_PATHNAME', 'cowork_grant_credits'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.grant_credits(bigint, bigint, numeric, @extschema@.credit_kind) IS
'An operator gives a customer credits or day passes (a plan''s allowance, a goodwill gesture); returns the new balance';

CREATE FUNCTION @extschema@.grant_company_credits(location_id bigint, company_id bigint, amount numeric,
                                                 kind @extschema@.credit_kind DEFAULT 'credits')
RETURNS numeric
AS 'MODULE_PATHNAME', 'cowork_grant_company_credits'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.grant_company_credits(bigint, bigint, numeric, @extschema@.credit_kind) IS
'An operator gives a company credits or day passes; returns the new balance';

CREATE FUNCTION @extschema@.buy_credits(location_id bigint, person_id bigint, amount numeric,
                                       kind @extschema@.credit_kind DEFAULT 'credits')
RETURNS numeric
AS 'MODULE_PATHNAME', 'cowork_buy_credits'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.buy_credits(bigint, bigint, numeric, @extschema@.credit_kind) IS
'A member buys credits or day passes (capability buy_credits); returns the new balance';

CREATE FUNCTION @extschema@.use_credits(location_id bigint, person_id bigint, amount numeric,
                                       kind @extschema@.credit_kind DEFAULT 'credits')
RETURNS text
AS 'MODULE_PATHNAME', 'cowork_use_credits'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.use_credits(bigint, bigint, numeric, @extschema@.credit_kind) IS
'A member spends credits or day passes (use_credits, use_day_passes): their own, else their company''s when it allows; returns which (person or company); never below zero';

CREATE FUNCTION @extschema@.credit_balance(location_id bigint, person_id bigint,
                                          kind @extschema@.credit_kind DEFAULT 'credits')
RETURNS numeric
LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT @extschema@.require_access(credit_balance.location_id, 'reader');
    SELECT COALESCE((SELECT b.balance FROM @extschema@.credit_balance AS b
                      WHERE b.location_id OPERATOR(pg_catalog.=) credit_balance.location_id
                        AND b.owner_kind OPERATOR(pg_catalog.=) 'person'
                        AND b.owner_id OPERATOR(pg_catalog.=) credit_balance.person_id
                        AND b.kind OPERATOR(pg_catalog.=) credit_balance.kind), 0.00);
END;
COMMENT ON FUNCTION @extschema@.credit_balance(bigint, bigint, @extschema@.credit_kind) IS
'A person''s own balance of credits or day passes at the location, 0.00 when they have none';

CREATE FUNCTION @extschema@.company_credit_balance(location_id bigint, company_id bigint,
                                                  kind @extschema@.credit_kind DEFAULT 'credits')
RETURNS numeric
LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT @extschema@.require_access(company_credit_balance.location_id, 'reader');
    SELECT COALESCE((SELECT b.balance FROM @extschema@.credit_balance AS b
                      WHERE b.location_id OPERATOR(pg_catalog.=) company_credit_balance.location_id
                        AND b.owner_kind OPERATOR(pg_catalog.=) 'company'
                        AND b.owner_id OPERATOR(pg_catalog.=) company_credit_balance.company_id
                        AND b.kind OPERATOR(pg_catalog.=) company_credit_balance.kind), 0.00);
END;
COMMENT ON FUNCTION @extschema@.company_credit_balance(bigint, bigint, @extschema@.credit_kind) IS
'A company''s balance of credits or day passes at the location, 0.00 when it has none';
