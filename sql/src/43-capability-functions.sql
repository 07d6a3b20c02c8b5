-- Functions: capabilities, visibility, suspension, company roles, invitations.

CREATE FUNCTION @extschema@.can(location_id bigint, person_id bigint, capability text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'cowork_can'
LANGUAGE C STABLE;
COMMENT ON FUNCTION @extschema@.can(bigint, bigint, text) IS
'Whether the person may do this at the location (SPEC section 5): pay_invoices, edit_billing_details, sign_up_for_plans, buy_credits, use_credits, use_day_passes, manage_company, invite_users; an unknown name is an error; a NULL person is an anonymous visitor';

CREATE FUNCTION @extschema@.can_view(location_id bigint, person_id bigint,
                                    visibility @extschema@.visibility)
RETURNS boolean
AS 'MODULE_PATHNAME', 'cowork_can_view'
LANGUAGE C STABLE;
COMMENT ON FUNCTION @extschema@.can_view(bigint, bigint, @extschema@.visibility) IS
'Whether the person sees content of this visibility at the location (SPEC section 5); a NULL person is an anonymous visitor';

CREATE FUNCTION @extschema@.suspend(location_id bigint, person_id bigint)
RETURNS void
AS 'MODULE_PATHNAME', 'cowork_suspend'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.suspend(bigint, bigint) IS
'Suspends a member: the status stays member, every capability is lost until unsuspend; logged';

CREATE FUNCTION @extschema@.unsuspend(location_id bigint, person_id bigint)
RETURNS void
AS 'MODULE_PATHNAME', 'cowork_unsuspend'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.unsuspend(bigint, bigint) IS
'Lifts a suspension; logged; nothing to do when not suspended';

CREATE FUNCTION @extschema@.set_company_manager(location_id bigint, person_id bigint,
                                               is_manager boolean DEFAULT true)
RETURNS void
AS 'MODULE_PATHNAME', 'cowork_set_company_manager'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.set_company_manager(bigint, bigint, boolean) IS
'Makes a company member a manager of their company (or not); an error for a customer in no company';

CREATE FUNCTION @extschema@.set_admin(location_id bigint, person_id bigint,
                                     is_admin boolean DEFAULT true)
RETURNS void
AS 'MODULE_PATHNAME', 'cowork_set_admin'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.set_admin(bigint, bigint, boolean) IS
'Makes a customer an administrator of the location (or not)';

CREATE FUNCTION @extschema@.set_primary_contact(location_id bigint, company_id bigint,
                                               person_id bigint)
RETURNS void
AS 'MODULE_PATHNAME', 'cowork_set_primary_contact'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.set_primary_contact(bigint, bigint, bigint) IS
'Makes a member of the company its primary contact: their customer_type becomes company, the previous contact''s individual';

CREATE FUNCTION @extschema@.invite_to_company(location_id bigint, person_id bigint,
                                             full_name text, email text)
RETURNS bigint
AS 'MODULE_PATHNAME', 'cowork_invite_to_company'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.invite_to_company(bigint, bigint, text, text) IS
'A company member (person_id) invites a coworker into their company; returns the invitation id; approved at once when the company auto-approves';

CREATE FUNCTION @extschema@.approve_invitation(invitation_id bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'cowork_approve_invitation'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.approve_invitation(bigint) IS
'Approves a pending invitation: the invitee becomes a member of the location and of the company; returns their person id';

CREATE FUNCTION @extschema@.reject_invitation(invitation_id bigint)
RETURNS void
AS 'MODULE_PATHNAME', 'cowork_reject_invitation'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.reject_invitation(bigint) IS
'Rejects a pending invitation';
