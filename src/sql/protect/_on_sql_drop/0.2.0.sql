-- Every drop, cascades included: what belongs to a protected table is
-- dropped by admins only, and a dropped protected table is forgotten.
CREATE FUNCTION _on_sql_drop() RETURNS event_trigger
    AS 'MODULE_PATHNAME', 'lg_on_sql_drop' LANGUAGE C;
REVOKE ALL ON FUNCTION _on_sql_drop() FROM PUBLIC;
CREATE EVENT TRIGGER listguard_sql_drop ON sql_drop EXECUTE FUNCTION _on_sql_drop();
