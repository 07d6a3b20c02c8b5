-- (a), (c), (d): the first completed action of a person new at the location.
INSERT INTO cowork.action (location_id, person_id, kind, amount)
VALUES (1, nextval(:fresh), 'room_booking', 10);
