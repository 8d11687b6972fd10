-- What reaches disk: no address in the table or index files, and a size
-- that says little about the address's length.
CREATE TABLE stored_plain (email text);
CREATE TABLE stored_sealed (email listguard.email UNIQUE);
INSERT INTO stored_plain VALUES ('unmistakable.person@stored.example');
INSERT INTO stored_sealed VALUES ('unmistakable.person@stored.example');
CHECKPOINT;

-- The test can see an address on disk (the text table) ...
SELECT position(convert_to('unmistakable', 'UTF8') IN pg_read_binary_file(pg_relation_filepath('stored_plain'))) > 0
       AS plain_table_has_it;
-- ... and there is none in the sealed table, its index or its TOAST table.
SELECT position(convert_to('unmistakable', 'UTF8') IN pg_read_binary_file(pg_relation_filepath('stored_sealed'))) = 0
       AS sealed_table_clean,
       position(convert_to('stored.example', 'UTF8') IN pg_read_binary_file(pg_relation_filepath('stored_sealed'))) = 0
       AS domain_not_stored_clear,
       position(convert_to('unmistakable', 'UTF8') IN pg_read_binary_file(pg_relation_filepath('stored_sealed_email_key'))) = 0
       AS index_clean;

-- Stored sizes come in buckets: short addresses of different lengths
-- take the same room.
SELECT pg_column_size('a@b.co'::listguard.email) = pg_column_size((repeat('x', 40) || '@b.co')::listguard.email)
       AS same_bucket,
       pg_column_size((repeat('x', 43) || '@b.co')::listguard.email) > pg_column_size('a@b.co'::listguard.email)
       AS next_bucket;

DROP TABLE stored_plain, stored_sealed;
