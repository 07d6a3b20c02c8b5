-- A page of 50 members of one location, as a reporting tool asks for it.
SELECT person_id, full_name, email, since FROM cowork.members
 WHERE location_id = 42 ORDER BY full_name, person_id LIMIT 50;
