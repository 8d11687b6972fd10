-- Who could have leaked a file of addresses. A role could have seen a
-- canary if it was planted for the role or a role it is a member of, or if
-- the role sends for the canary's list. Each role that could have seen a
-- canary in the file is scored by how well "this role's export, cut to some
-- share" explains the file: the share of the canaries it could see that are
-- in it (a cut file holds each of them with that chance), and the canaries in
-- it that it could not have seen (each as unlikely as a 1-in-100 accident).
-- The best score is likely, and any within a small margin of it. So a file
-- with one role's canaries points at that role, and a file with a share of
-- everyone's at the sender. Addresses made at the canary domains can be
-- guessed (their names are common ones): a file that holds addresses there
-- that are no canaries was padded with guesses, and then only the canaries
-- added as mailboxes elsewhere count. A principal's canaries (seen by that
-- person alone) make the candidate the principal behind its application;
-- the principal also sees the canaries of its application's roles.
CREATE FUNCTION _trace_leak(addresses text[])
    RETURNS TABLE (role regrole, canaries_found integer, canaries_planted integer, likely boolean, principal text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    guessed boolean;
    unread bigint;
    digests bytea[];
    domains text[];
BEGIN
    SELECT array_agg(x.d), array_agg(x.domain) INTO digests, domains
    FROM (SELECT DISTINCT d, lower(split_part(listguard._address_in_line(a), '@', -1)) AS domain
          FROM unnest(addresses) a, LATERAL listguard._loose_digest(a) d WHERE d IS NOT NULL) x;
    SELECT count(*) INTO unread FROM unnest(addresses) a WHERE a LIKE '%@%' AND listguard._loose_digest(a) IS NULL;
    IF unread > 0 THEN
        RAISE NOTICE 'listguard: % of the lines hold an @ but no address listguard could read', unread
            USING HINT = 'Canaries in them are not found: clean those lines up and trace again.';
    END IF;
    SELECT EXISTS (
        SELECT 1 FROM unnest(digests, domains) l(digest, domain)
        WHERE l.domain IN (SELECT lower(btrim(x)) FROM unnest(string_to_array(current_setting('listguard.canary_domains'), ',')) x
                           UNION SELECT listguard._address_domain(c.address) FROM listguard.canaries c
                           WHERE c.origin = 'generated')
          AND NOT EXISTS (SELECT 1 FROM listguard.canaries c WHERE c.role IS NOT NULL
                          AND listguard._loose_digest_of(c.address) = l.digest))
    INTO guessed;
    IF guessed THEN
        RAISE NOTICE 'listguard: the file holds addresses at the canary domains that are no canaries'
            USING DETAIL = 'Someone may have added guessed canaries to shift the blame: only canaries added with '
                           'add_canary_addresses() count.';
    END IF;
    RETURN QUERY
    WITH planted AS (
        SELECT c.id, c.role, c.principal, c.account, coalesce(c.list, 0) AS list,
               listguard._loose_digest_of(c.address) AS digest
        FROM listguard.canaries c WHERE c.role IS NOT NULL AND (NOT guessed OR c.origin = 'added')
    ), found AS (
        SELECT DISTINCT p.id, p.role, p.principal FROM planted p JOIN unnest(digests) l(digest) ON l.digest = p.digest
    ), candidates AS (
        SELECT DISTINCT x.role, x.principal FROM (
            SELECT f.role, f.principal FROM found f
            UNION SELECT g.grantee, NULL::bigint FROM listguard.grants g WHERE g.sends AND g.grantee IS NOT NULL
        ) x
    ), could_see AS (
        SELECT r.role, r.principal, p.id
        FROM candidates r JOIN planted p
          ON (p.principal IS NULL AND listguard._is_member_of(r.role, p.role))
             OR p.principal = r.principal
             OR EXISTS (SELECT 1 FROM listguard.grants g
                        WHERE g.sends AND listguard.role_receives_grants_of(r.role, g.grantee)
                          AND (g.account IS NULL OR g.account = p.account) AND (g.list IS NULL OR g.list = p.list))
    ), scored AS (
        SELECT s.role, s.principal, count(*) FILTER (WHERE s.id IN (SELECT f.id FROM found f))::integer AS found,
               count(*)::integer AS planted
        FROM could_see s GROUP BY s.role, s.principal
    ), likelihood AS (
        SELECT s.role, s.principal, s.found, s.planted,
               s.found * ln(s.found::float8 / s.planted)
               + CASE WHEN s.planted > s.found THEN (s.planted - s.found) * ln(1 - s.found::float8 / s.planted) ELSE 0 END
               + ((SELECT count(*) FROM found) - s.found) * ln(0.01) AS score
        FROM scored s WHERE s.found > 0
    )
    SELECT l.role, l.found, l.planted, l.score >= (SELECT max(x.score) FROM likelihood x) - 0.5,
           (SELECT u.name FROM listguard.application_users u WHERE u.id = l.principal)
    FROM likelihood l
    ORDER BY l.score DESC, l.found DESC, l.role::text, l.principal NULLS FIRST;
END
$$;
REVOKE ALL ON FUNCTION _trace_leak(text[]) FROM PUBLIC;
