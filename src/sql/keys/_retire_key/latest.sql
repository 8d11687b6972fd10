-- Retires a seal key in this database: refused while it is the current key
-- or any value here may still need it; then recorded, and the key leaves
-- the key file once no database of the cluster needs it.
CREATE FUNCTION _retire_key(key_id text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    k record;
    still text;
    pending text[];
BEGIN
    SELECT * INTO k FROM listguard._keys() x WHERE x.key_id = _retire_key.key_id AND x.kind = 'seal';
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object',
            MESSAGE = format('seal key %s is not in the keyring', key_id), HINT = 'listguard.keys() lists the keyring.';
    END IF;
    IF k.current THEN
        RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = format('seal key %s is the current key', key_id),
            HINT = 'Make another key current first: listguard.add_key() or listguard.use_key().';
    END IF;
    -- Values written by transactions that began before the key stopped being
    -- current are seen by the check below.
    PERFORM listguard._note_progress('retire_key', NULL, 'waiting for older transactions', 0, 0, 0);
    PERFORM listguard._wait_for_older_transactions();
    SELECT string_agg(CASE WHEN u.key_id IS NULL
                           THEN format('%s.%I: values inside composite or range values, which listguard cannot check',
                                       u.relation, u.column_name)
                           ELSE format('%s.%I: %s values', u.relation, u.column_name, u."values") END, E'\n')
    INTO still FROM listguard._key_usage() u WHERE u.key_id = _retire_key.key_id OR u.key_id IS NULL;
    IF still IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'object_in_use',
            MESSAGE = format('seal key %s still seals values in this database', key_id), DETAIL = still,
            HINT = 'CALL listguard.reseal_existing() re-seals them under the current key; values in arrays need '
                   'UPDATE ... SET col = ARRAY(SELECT listguard._resealed(x) FROM unnest(col) x).';
    END IF;
    SELECT string_agg(c.object, E'\n' ORDER BY c.object) INTO still
    FROM listguard._email_constants() c WHERE c.key_id = _retire_key.key_id;
    IF still IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'object_in_use',
            MESSAGE = format('seal key %s still seals listguard.email constants kept in the catalogs', key_id),
            DETAIL = still,
            HINT = 'Create these objects again (a default with ALTER TABLE ... ALTER COLUMN ... SET DEFAULT, say): '
                   'their constants are then sealed under the current key.';
    END IF;
    PERFORM listguard._note_progress('retire_key', NULL, 'retiring', 0, 0, 0);
    pending := listguard._retire_key_material(key_id);
    IF cardinality(pending) > 0 THEN
        RAISE NOTICE USING MESSAGE = format('seal key %s is retired in this database', key_id),
            DETAIL = format('It stays in the keyring until these databases retire it too: %s.',
                            array_to_string(pending, ', '));
    END IF;
END
$$;
REVOKE ALL ON FUNCTION _retire_key(text) FROM PUBLIC;
