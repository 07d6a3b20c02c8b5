-- The enum types of the model.

CREATE TYPE @extschema@.customer_status AS ENUM ('member', 'nonmember', 'removed');
COMMENT ON TYPE @extschema@.customer_status IS
'A person''s standing at one location: member, nonmember, or removed from the location''s lists (history kept)';

CREATE TYPE @extschema@.customer_type AS ENUM ('individual', 'company');
COMMENT ON TYPE @extschema@.customer_type IS
'individual, or company: the customer is the primary contact of a company';

CREATE TYPE @extschema@.action_kind AS ENUM (
    'room_booking', 'desk_booking', 'parking_booking', 'office_booking',
    'payment', 'benefit_application', 'shop_order', 'event_ticket');
COMMENT ON TYPE @extschema@.action_kind IS
'What a person does at a location: bookings, payments, benefit applications, shop orders, event tickets';

CREATE TYPE @extschema@.action_state AS ENUM ('started', 'completed', 'cancelled');
COMMENT ON TYPE @extschema@.action_state IS
'started (being made), completed (the only state that makes a person a customer), cancelled (never changes anything)';

CREATE TYPE @extschema@.visibility AS ENUM (
    'public', 'network_members', 'location_members', 'admins');
COMMENT ON TYPE @extschema@.visibility IS
'Content visibility levels, lowest to highest';

CREATE TYPE @extschema@.credit_kind AS ENUM ('credits', 'day_passes');
COMMENT ON TYPE @extschema@.credit_kind IS
'What a balance counts: credits (spent on bookings) or day passes';

CREATE TYPE @extschema@.invitation_status AS ENUM ('pending', 'approved', 'rejected');
COMMENT ON TYPE @extschema@.invitation_status IS
'A company member''s invitation of a coworker: pending until an administrator (or the company''s auto-approval) decides';
