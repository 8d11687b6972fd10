-- listguard 0.2.0 -> 0.3.0. Run by ALTER EXTENSION listguard UPDATE, in
-- each database, after the 0.3.0 library is installed and the server
-- restarted.
\echo Use "ALTER EXTENSION listguard UPDATE TO '0.3.0'" to load this file. \quit

-- Dumps carry the audit chain's head, sealed, so that a restore proves it
-- holds the whole history; the writer fills it at its next append.
#include "audit/audit_heads_guard/0.3.0.sql"
#include "audit/audit_heads/0.3.0.sql"
#include "audit/accept_restored_history/0.3.0.sql"
#include "audit/_accept_restored_history/0.3.0.sql"

-- Leak attribution (issue 27). Canaries get a slot, a number among those of
-- their account, by which the sealed record of every clear_reveal event
-- notes each canary read (however many), and the keyed digests of their
-- loose form and domain, which trace_leak() and report_canary_hit() match
-- without opening an address. Reveal summaries (what each role read in
-- clear, per day) are kept from now on.
#include "canary/_domain_digest_of/0.3.0.sql"
ALTER TABLE canaries ADD COLUMN slot integer, ADD COLUMN loose_digest bytea, ADD COLUMN domain_digest bytea;
UPDATE canaries c SET loose_digest = _loose_digest_of(c.address), domain_digest = _domain_digest_of(c.address);
UPDATE canaries c SET slot = s.n
FROM (SELECT k.id, (row_number() OVER (PARTITION BY k.account ORDER BY k.planted_at, k.id) - 1)::integer AS n
      FROM canaries k WHERE k.role IS NOT NULL) s
WHERE s.id = c.id;
CREATE UNIQUE INDEX canaries_slot ON canaries (account, slot) WHERE slot IS NOT NULL;
CREATE INDEX canaries_loose_digest ON canaries (loose_digest);
#include "canary/reveal_summaries/0.3.0.sql"
#include "canary/reveal_summaries_since/0.3.0.sql"
-- Records of listguard 0.2 are still opened (by id), by the new function.
DROP FUNCTION _canary_reveal_count(text, bigint);
#include "canary/_canary_in_record/0.3.0.sql"
#include "canary/_revealed_by/0.3.0.sql"
#include "canary/_next_canary_slot/0.3.0.sql"
#replace "canary/_add_canary_addresses/0.3.0.sql"
-- Canary rows are made like the list's own: names that fit the address,
-- other columns drawn one by one, the domains of the list's own shares.
DROP FUNCTION _take_canary_address(regclass, name, text, text[]);
#include "canary/_local_part_template/0.3.0.sql"
#include "canary/_local_part_from_template/0.3.0.sql"
#include "canary/_names_for_local_part/0.3.0.sql"
#include "canary/_canary_address/0.3.0.sql"
#replace "canary/_plant_canaries/0.3.0.sql"
-- Canaries planned over a period and planted one at a time.
#include "canary/canary_plans/0.3.0.sql"
#include "canary/plan_canaries/0.3.0.sql"
#include "canary/plant_due_canaries/0.3.0.sql"
#include "canary/_plan_canaries/0.3.0.sql"
#include "canary/_plant_due_canaries/0.3.0.sql"
#replace "canary/_remove_canaries/0.3.0.sql"
#replace "canary/_canary_reveals/0.3.0.sql"
#include "canary/_canary_seers/0.3.0.sql"
#include "canary/_reveals_complete/0.3.0.sql"
#replace "canary/_trace/0.3.0.sql"
-- trace_leak() and report_canary_hit() return more: who could have seen a
-- canary, what it read, and the odds.
DROP FUNCTION trace_leak(text[]);
DROP FUNCTION _trace_leak(text[]);
#include "canary/_trace_leak/0.3.0.sql"
#include "canary/trace_leak/0.3.0.sql"
DROP FUNCTION report_canary_hit(text, timestamptz, text);
DROP FUNCTION _report_canary_hit(text, timestamptz, text);
#include "canary/_report_canary_hit/0.3.0.sql"
#include "canary/report_canary_hit/0.3.0.sql"
