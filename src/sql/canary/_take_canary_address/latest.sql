-- A canary address for one list: from the pool if it has one not already
-- on the list, else made at one of listguard.canary_domains in one of the
-- given local-part styles. Returns the id of its canaries row (taken out of
-- the pool), or raises 55000 when there is none to be had.
CREATE FUNCTION _take_canary_address(tbl regclass, email_column name, scope_filter text, styles text[])
RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    candidate listguard.canaries;
    domains text[];
    made text;
    taken bigint;
    on_list boolean;
BEGIN
    FOR candidate IN SELECT * FROM listguard.canaries c WHERE c.role IS NULL AND c.removed_at IS NULL
                     ORDER BY random() FOR UPDATE SKIP LOCKED LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s t WHERE %s AND t.%I = $1)', tbl, scope_filter, email_column)
            INTO on_list USING candidate.address;
        IF NOT on_list THEN
            RETURN candidate.id;
        END IF;
    END LOOP;
    domains := array_remove(regexp_split_to_array(current_setting('listguard.canary_domains'), '\s*,\s*'), '');
    IF cardinality(domains) > 0 THEN
        IF styles IS NULL OR cardinality(styles) = 0 THEN
            styles := ARRAY['w.w', 'w.w99', 'iw99', 'W'];
        END IF;
        FOR attempt IN 1..20 LOOP
            made := listguard._local_part_in_style(styles[1 + floor(random() * cardinality(styles))::int])
                    || '@' || domains[1 + floor(random() * cardinality(domains))::int];
            -- One that fills its size bucket has no room for the mark.
            BEGIN
                PERFORM listguard._as_canary(listguard.email(made));
            EXCEPTION WHEN invalid_parameter_value THEN
                CONTINUE;
            END;
            INSERT INTO listguard.canaries (address, origin, added_by, loose_digest, domain_digest)
            VALUES (listguard.email(made), 'generated', listguard.calling_role(),
                    listguard._loose_digest_of(listguard.email(made)), listguard._domain_digest_of(listguard.email(made)))
            ON CONFLICT (address) DO NOTHING
            RETURNING id INTO taken;
            IF taken IS NOT NULL THEN
                RETURN taken;
            END IF;
        END LOOP;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
        MESSAGE = 'no canary address is left to plant',
        DETAIL = 'Every address added with add_canary_addresses() is planted already, and listguard.canary_domains '
                 'is empty or gave no new address.',
        HINT = 'Add mailboxes with listguard.add_canary_addresses(), or set listguard.canary_domains to domains '
               'whose mail you receive.';
END
$$;
REVOKE ALL ON FUNCTION _take_canary_address(regclass, name, text, text[]) FROM PUBLIC;
