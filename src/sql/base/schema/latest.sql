-- Everyone may use the type and the policy functions; what is sensitive
-- (the grants, the implementations of admin functions) is revoked below.
GRANT USAGE ON SCHEMA listguard TO PUBLIC;
