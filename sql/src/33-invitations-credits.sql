-- Invitations of coworkers to a company, credit balances and their ledger.

CREATE TABLE @extschema@.invitation (
    location_id   bigint NOT NULL,
    invitation_id bigserial,
    company_id    bigint NOT NULL,
    invited_by    bigint NOT NULL,
    full_name     text NOT NULL,
    email         text NOT NULL,
    status        @extschema@.invitation_status NOT NULL DEFAULT 'pending',
    person_id     bigint,
    decided_by    text,
    decided_at    timestamptz,
    created_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT invitation_pkey PRIMARY KEY (location_id, invitation_id),
    CONSTRAINT invitation_company_fkey FOREIGN KEY (location_id, company_id)
        REFERENCES @extschema@.company (location_id, company_id),
    CONSTRAINT invitation_inviter_fkey FOREIGN KEY (location_id, invited_by)
        REFERENCES @extschema@.customer (location_id, person_id)
);
COMMENT ON TABLE @extschema@.invitation IS
'Invitations of coworkers by company members: approved by an administrator (or at once when the company auto-approves), the invitee becomes a member of the company';
COMMENT ON COLUMN @extschema@.invitation.location_id IS 'The location';
COMMENT ON COLUMN @extschema@.invitation.invitation_id IS 'Identifier of the invitation';
COMMENT ON COLUMN @extschema@.invitation.company_id IS 'The company the invitee is to join';
COMMENT ON COLUMN @extschema@.invitation.invited_by IS 'The company member who invited';
COMMENT ON COLUMN @extschema@.invitation.full_name IS 'The invitee''s name';
COMMENT ON COLUMN @extschema@.invitation.email IS 'The invitee''s email, normalised';
COMMENT ON COLUMN @extschema@.invitation.status IS 'pending, approved or rejected';
COMMENT ON COLUMN @extschema@.invitation.person_id IS 'The invitee, once approved';
COMMENT ON COLUMN @extschema@.invitation.decided_by IS 'The role that approved or rejected it';
COMMENT ON COLUMN @extschema@.invitation.decided_at IS 'When it was decided';
COMMENT ON COLUMN @extschema@.invitation.created_at IS 'When it was made';
COMMENT ON CONSTRAINT invitation_pkey ON @extschema@.invitation IS 'Invitations are keyed by location';
COMMENT ON CONSTRAINT invitation_company_fkey ON @extschema@.invitation IS 'An invitation is to a company of the location';
COMMENT ON CONSTRAINT invitation_inviter_fkey ON @extschema@.invitation IS 'The inviter is a customer of the location';
CREATE INDEX invitation_id_idx ON @extschema@.invitation (invitation_id);
COMMENT ON INDEX @extschema@.invitation_id_idx IS 'Serves approve_invitation and reject_invitation';

CREATE TABLE @extschema@.credit_balance (
    location_id bigint NOT NULL,
    owner_kind  text NOT NULL,
    owner_id    bigint NOT NULL,
    kind        @extschema@.credit_kind NOT NULL,
    balance     numeric NOT NULL DEFAULT 0,
    CONSTRAINT credit_balance_pkey PRIMARY KEY (location_id, owner_kind, owner_id, kind),
    CONSTRAINT credit_balance_owner_kind CHECK (owner_kind IN ('person', 'company')),
    CONSTRAINT credit_balance_not_negative CHECK (balance >= 0),
    CONSTRAINT credit_balance_finite CHECK (balance < 'Infinity'::numeric),
    CONSTRAINT credit_balance_hundredths CHECK (balance = pg_catalog.round(balance, 2))
);
COMMENT ON TABLE @extschema@.credit_balance IS
'Credits and day passes held by a person or a company at a location; never negative';
COMMENT ON COLUMN @extschema@.credit_balance.location_id IS 'The location';
COMMENT ON COLUMN @extschema@.credit_balance.owner_kind IS 'person or company';
COMMENT ON COLUMN @extschema@.credit_balance.owner_id IS 'The person_id or the company_id';
COMMENT ON COLUMN @extschema@.credit_balance.kind IS 'credits or day_passes';
COMMENT ON COLUMN @extschema@.credit_balance.balance IS 'What is left, zero or more, in hundredths';
COMMENT ON CONSTRAINT credit_balance_pkey ON @extschema@.credit_balance IS 'One balance per owner and kind at a location';
COMMENT ON CONSTRAINT credit_balance_owner_kind ON @extschema@.credit_balance IS 'A balance belongs to a person or to a company';
COMMENT ON CONSTRAINT credit_balance_not_negative ON @extschema@.credit_balance IS 'A balance never goes negative';
COMMENT ON CONSTRAINT credit_balance_finite ON @extschema@.credit_balance IS 'A balance is a number: neither NaN (which sorts above every number, so balance >= 0 lets it through) nor infinite';
COMMENT ON CONSTRAINT credit_balance_hundredths ON @extschema@.credit_balance IS 'A balance has at most two decimal places';

CREATE TABLE @extschema@.credit_entry (
    location_id bigint NOT NULL,
    entry_id    bigserial,
    owner_kind  text NOT NULL,
    owner_id    bigint NOT NULL,
    kind        @extschema@.credit_kind NOT NULL,
    amount      numeric NOT NULL,
    reason      text NOT NULL,
    person_id   bigint,
    at          timestamptz NOT NULL DEFAULT pg_catalog.now(),
    actor       text NOT NULL DEFAULT CURRENT_USER,
    CONSTRAINT credit_entry_pkey PRIMARY KEY (location_id, entry_id),
    CONSTRAINT credit_entry_owner_kind CHECK (owner_kind IN ('person', 'company')),
    CONSTRAINT credit_entry_amount_not_zero CHECK (amount <> 0),
    CONSTRAINT credit_entry_amount_finite
        CHECK (amount > '-Infinity'::numeric AND amount < 'Infinity'::numeric),
    CONSTRAINT credit_entry_amount_hundredths CHECK (amount = pg_catalog.round(amount, 2))
);
COMMENT ON TABLE @extschema@.credit_entry IS
'The ledger of credits and day passes: grants and purchases (positive), uses (negative); the balances are its sums';
COMMENT ON COLUMN @extschema@.credit_entry.location_id IS 'The location';
COMMENT ON COLUMN @extschema@.credit_entry.entry_id IS 'Order of the entries';
COMMENT ON COLUMN @extschema@.credit_entry.owner_kind IS 'Whose balance: person or company';
COMMENT ON COLUMN @extschema@.credit_entry.owner_id IS 'The person_id or the company_id';
COMMENT ON COLUMN @extschema@.credit_entry.kind IS 'credits or day_passes';
COMMENT ON COLUMN @extschema@.credit_entry.amount IS 'Positive for a grant or a purchase, negative for a use; in hundredths';
COMMENT ON COLUMN @extschema@.credit_entry.reason IS 'grant, buy or use';
COMMENT ON COLUMN @extschema@.credit_entry.person_id IS 'The person who bought or used (for a company balance: the member)';
COMMENT ON COLUMN @extschema@.credit_entry.at IS 'When';
COMMENT ON COLUMN @extschema@.credit_entry.actor IS 'The role that called the function that made the entry';
COMMENT ON CONSTRAINT credit_entry_pkey ON @extschema@.credit_entry IS 'Entries are keyed by location';
COMMENT ON CONSTRAINT credit_entry_owner_kind ON @extschema@.credit_entry IS 'An entry is for a person''s or a company''s balance';
COMMENT ON CONSTRAINT credit_entry_amount_not_zero ON @extschema@.credit_entry IS 'An entry moves something';
COMMENT ON CONSTRAINT credit_entry_amount_finite ON @extschema@.credit_entry IS 'An amount is a number: neither NaN (which sorts above every number) nor infinite';
COMMENT ON CONSTRAINT credit_entry_amount_hundredths ON @extschema@.credit_entry IS 'An amount has at most two decimal places';
CREATE INDEX credit_entry_owner_idx ON @extschema@.credit_entry (location_id, owner_kind, owner_id, entry_id);
COMMENT ON INDEX @extschema@.credit_entry_owner_idx IS 'An owner''s ledger, in order';
