-- An address for a canary row modelled on a real row of its list (see
-- _plant_canaries()): tmpl is how that row's local part is made from its
-- names, tmpl_domain its domain, common whether that domain is a common
-- provider of the list. For a common provider: a mailbox from the pool,
-- at that provider if the pool has one (else at another), with the row's
-- names changed to those its local part shows (tried in the list's
-- templates); for a rare domain, or with no mailbox left: an address made
-- in the template from the names, at the canary domain this list uses least
-- where neither the table nor the registry has that address.
-- Returns the id of its canaries row (a pool row stays in the pool until
-- the canary row is in) and the names, or no row.
CREATE FUNCTION _canary_address(tbl regclass, email_column name, scope_filter text, tmpl text, tmpl_domain text,
                                common boolean, names text[], templates text[], known_names text[],
                                canary_domains text[], domain_use jsonb)
    RETURNS TABLE (id bigint, fitted text[])
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    candidate listguard.canaries;
    on_list boolean;
    other text;
    made text;
    domain text;
    taken bigint;
BEGIN
    IF common OR cardinality(canary_domains) = 0 THEN
        FOR candidate IN SELECT * FROM listguard.canaries c WHERE c.role IS NULL AND c.removed_at IS NULL
                         ORDER BY listguard._address_domain(c.address) = tmpl_domain DESC, random()
                         FOR UPDATE SKIP LOCKED LOOP
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s t WHERE %s AND t.%I = $1)', tbl, scope_filter, email_column)
                INTO on_list USING candidate.address;
            CONTINUE WHEN on_list;
            id := candidate.id;
            fitted := names;
            IF cardinality(names) > 0 THEN
                -- The names its local part shows, in the row's own template
                -- or another of the list's that shows names, if they are
                -- names the list has (jsmith1988 is no first name).
                fitted := NULL;
                FOR other IN SELECT tmpl UNION ALL
                             (SELECT x FROM unnest(templates) x WHERE x LIKE '%{%' ORDER BY random() LIMIT 200) LOOP
                    fitted := listguard._names_for_local_part(candidate.address, other, names, known_names);
                    EXIT WHEN fitted IS NOT NULL;
                END LOOP;
                fitted := coalesce(fitted, names);
            END IF;
            RETURN NEXT;
            RETURN;
        END LOOP;
    END IF;
    IF cardinality(canary_domains) = 0 THEN
        RETURN;
    END IF;
    made := listguard._local_part_from_template(tmpl, names);
    IF made IS NULL THEN
        RETURN;
    END IF;
    -- At the least used canary domain where no row of the table (of any
    -- list) has that address: a subscriber at a canary domain must never
    -- share an address with a canary (its mail, and its lines in every
    -- export of its list, would be taken for the canary's).
    FOR domain IN SELECT d FROM unnest(canary_domains) d ORDER BY coalesce((domain_use->>d)::int, 0), random() LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s t WHERE t.%I = $1)', tbl, email_column)
            INTO on_list USING listguard.email(made || '@' || domain);
        -- Nor one that is a canary already (then the next domain, too).
        EXIT WHEN NOT on_list AND NOT EXISTS (SELECT 1 FROM listguard.canaries c
                                              WHERE c.address = listguard.email(made || '@' || domain));
        domain := NULL;
    END LOOP;
    IF domain IS NULL THEN
        RETURN;
    END IF;
    made := made || '@' || domain;
    -- One that fills its size bucket has no room for the mark.
    BEGIN
        PERFORM listguard._as_canary(listguard.email(made));
    EXCEPTION WHEN invalid_parameter_value OR invalid_text_representation THEN
        RETURN;
    END;
    INSERT INTO listguard.canaries (address, origin, added_by, loose_digest, domain_digest)
    VALUES (listguard.email(made), 'generated', listguard.calling_role(),
            listguard._loose_digest_of(listguard.email(made)), listguard._domain_digest_of(listguard.email(made)))
    ON CONFLICT (address) DO NOTHING
    RETURNING canaries.id INTO taken;
    IF taken IS NULL THEN
        RETURN;
    END IF;
    id := taken;
    fitted := names;
    RETURN NEXT;
END
$$;
REVOKE ALL ON FUNCTION _canary_address(regclass, name, text, text, text, boolean, text[], text[], text[], text[], jsonb)
    FROM PUBLIC;
