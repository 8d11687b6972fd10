-- Address syntax: what is accepted (shown masked) and what is refused, with
-- SQLSTATE 22P02 and a detail that says what is wrong.
SELECT input, lgtest.shown(input) AS result
FROM (VALUES
    ('jane.doe@example.com'),
    ('Jane.Doe@Example.COM'),
    ('user+tag@sub.example.org'),
    ('o''brien@example.ie'),
    ('"John Doe"@example.com'),
    ('"a@b"@example.com'),
    ('  padded@example.com  '),
    ('jane@bücher.example'),
    ('jane@xn--bcher-kva.example'),
    ('x@localhost'),
    (''),
    ('jane.example.com'),
    ('@example.com'),
    ('.jane@example.com'),
    ('jane.@example.com'),
    ('ja..ne@example.com'),
    ('ja ne@example.com'),
    ('ja,ne@example.com'),
    ('jané@example.com'),
    ('"unterminated@example.com'),
    ('"a"b@example.com'),
    ('""@example.com'),
    ('jane@'),
    ('jane@example.com.'),
    ('jane@.example.com'),
    ('jane@example..com'),
    ('jane@-example.com'),
    ('jane@example-.com'),
    ('jane@exa_mple.com'),
    ('jane@exa mple.com'),
    ('jane@[192.0.2.1]'),
    ('jane@example@com'),
    ('jane@xn--a.example'),
    ('jane@bü_cher.example')
) AS v(input);

-- Control characters, in the local part and the domain.
SELECT lgtest.shown(E'ja\tne@example.com') AS tab_in_local,
       lgtest.shown(E'jane@exa\nmple.com') AS newline_in_domain,
       lgtest.shown(E'"ja\x01ne"@example.com') AS control_in_quotes;

-- Length limits: 64 octets of local part, 63 per label, 255 of domain, 254 in all.
SELECT lgtest.shown(repeat('a', 64) || '@example.com') AS local_64,
       lgtest.shown(repeat('a', 65) || '@example.com') AS local_65;
SELECT lgtest.shown('j@' || repeat('b', 63) || '.com') AS label_63,
       lgtest.shown('j@' || repeat('b', 64) || '.com') AS label_64;
SELECT lgtest.shown(repeat('a', 64) || '@' || repeat('b', 63) || '.' || repeat('c', 63) || '.' || repeat('d', 61)) AS address_254,
       lgtest.shown(repeat('a', 64) || '@' || repeat('b', 63) || '.' || repeat('c', 63) || '.' || repeat('d', 62)) AS address_255;
SELECT lgtest.shown('j@' || repeat(repeat('e', 63) || '.', 4) || 'f') AS domain_257;

-- The error names no part of the address: the message and detail never
-- repeat the input.
SELECT lgtest.try($$SELECT 'secret..person@example.com'::listguard.email$$) LIKE '%secret%' AS leaks_input;

-- Binary input (receive) applies the same rules; a text column converts by
-- assignment.
CREATE TABLE input_text (t text, v varchar);
INSERT INTO input_text VALUES ('From.Text@example.com', 'From.Varchar@example.com');
CREATE TABLE input_email (e listguard.email);
INSERT INTO input_email SELECT t FROM input_text;
INSERT INTO input_email SELECT v FROM input_text;
SELECT e FROM input_email ORDER BY e::text;
SELECT lgtest.try($$INSERT INTO input_email SELECT 'not an address'::text$$);
DROP TABLE input_text, input_email;
