-- (a), (b), (d): a completed action of a person who is a customer already.
\set pid random(1, :existing)
INSERT INTO cowork.action (location_id, person_id, kind, amount) VALUES (1, :pid, 'room_booking', 10);
