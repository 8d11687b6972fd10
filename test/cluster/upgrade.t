#!/usr/bin/env bash
# Upgrading from 0.1.0: a database made by listguard 0.1.0 (its library
# built from the 0.1.0 commit, when the repository has it) holds data,
# grants, quota use and audit events; then the current library is installed,
# the server restarted, and ALTER EXTENSION listguard UPDATE run (through
# every upgrade script in turn, extension/listguard--<from>--<to>.sql). Every
# row, grant, quota and event must survive, verify_audit() must stay ok,
# and the upgraded extension must be exactly what a fresh install makes.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
libdir=$($PG_CONFIG --pkglibdir)
current_so="$repo/listguard.so"
old_commit=35f7fca1eae64a054e3bed7af3bf4cc4312ff2e8 # listguard 0.1.0
current=$(sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" "$repo/listguard.control")
work=$(mktemp -d)
chmod 755 "$work"
echo "1..9"

# The installed library is put back however the test ends.
restore_library() { $SUDO install -m 755 "$current_so" "$libdir/listguard.so"; }
trap 'restore_library; rm -rf "$work"' EXIT

old_so=""
if git -C "$repo" cat-file -e "$old_commit^{commit}" 2>/dev/null; then
    mkdir "$work/old"
    git -C "$repo" archive "$old_commit" | tar -x -C "$work/old"
    if make -C "$work/old" -j"$(nproc)" PG_CONFIG="$PG_CONFIG" >"$work/old-build.log" 2>&1; then
        old_so="$work/old/listguard.so"
    else
        echo "# the 0.1.0 library did not build:"; tail -5 "$work/old-build.log" | sed 's/^/# /'
    fi
else
    echo "# this clone has no 0.1.0 commit: 0.1.0's tables are made by its script with the $current library"
fi

out=$(OLD_SO="$old_so" CURRENT_SO="$current_so" LIBDIR="$libdir" SUDO="$SUDO" WORK="$work" REPO="$repo" \
      pg_virtualenv -t -o shared_preload_libraries=listguard bash -c '
set -e
q() { psql -X -A -t -q -v ON_ERROR_STOP=1 "$@"; }
settle() {
    for _ in $(seq 1 200); do
        [ "$(q -d "$1" -c "SELECT listguard.audit_pending()")" = 0 ] && return 0
        sleep 0.05
    done
    return 1
}
cluster=$(pg_lsclusters -h | awk -v port="$PGPORT" "\$3 == port {print \$1\" \"\$2}" | head -1)
if [ -n "$OLD_SO" ]; then
    pg_ctlcluster $cluster stop
    $SUDO install -m 755 "$OLD_SO" "$LIBDIR/listguard.so"
    pg_ctlcluster $cluster start
fi
createdb old
q -d old >/dev/null <<"SQL"
CREATE EXTENSION listguard VERSION $$0.1.0$$;
CREATE ROLE up_reader;
CREATE ROLE up_owner;
CREATE TABLE subs (id int PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                   email listguard.email NOT NULL, UNIQUE (account_id, email));
ALTER TABLE subs OWNER TO up_owner;
INSERT INTO subs SELECT g, 1 + g % 2, 10, $$before$$ || g || $$@example.com$$ FROM generate_series(1, 20) g;
SELECT listguard.protect($$subs$$, $$account_id$$, $$list_id$$);
INSERT INTO subs SELECT g, 1 + g % 2, 10, $$after$$ || g || $$@example.com$$ FROM generate_series(21, 40) g;
GRANT SELECT ON subs TO up_reader;
SELECT listguard.grant_access($$up_reader$$, 1, reveal => $$clear$$, quota => $$1000/day$$);
SET ROLE up_reader;
SELECT count(email::text) FROM subs;
RESET ROLE;
SQL
settle old || true
q -d old -c "SELECT count(*) FROM listguard.audit_log" > "$WORK/events_before"
q -d old -c "SELECT md5(string_agg(encode(link, \$\$hex\$\$), \$\$,\$\$ ORDER BY id)) FROM listguard.audit_log" > "$WORK/links_before"
q -d old -c "SELECT used FROM listguard.quota_usage" > "$WORK/used_before"
echo "events_before=$(cat "$WORK/events_before")"

# The new library: stop, install, start; the data reads before the update.
pg_ctlcluster $cluster stop
$SUDO install -m 755 "$CURRENT_SO" "$LIBDIR/listguard.so"
pg_ctlcluster $cluster start
echo "read_before_update=$(q -d old -c "SET ROLE up_reader" -c "SELECT count(*) FILTER (WHERE email::text LIKE \$\$%@example.com\$\$ AND email::text NOT LIKE \$\$%***%\$\$) FROM subs")"
q -d old -c "ALTER EXTENSION listguard UPDATE" 2>"$WORK/update.err" >/dev/null || echo "update_failed=$(tr "\n" " " < "$WORK/update.err")"
grep -q "stamp_existing" "$WORK/update.err" && echo "stamp_notice=yes"
echo "version=$(q -d old -c "SELECT extversion FROM pg_extension WHERE extname = \$\$listguard\$\$")"
echo "owner_search_path=$(q -d old -c "SELECT array_to_string(setconfig, \$\$;\$\$) FROM pg_db_role_setting WHERE setrole = \$\$listguard_owner\$\$::regrole AND setdatabase = 0")"
settle old || true

# What an upgraded database holds is what a fresh install makes.
createdb fresh
q -d fresh -c "CREATE EXTENSION listguard" >/dev/null
q -d old -f "$REPO/test/upgrade/extension_objects.sql" > "$WORK/objects_old"
q -d fresh -f "$REPO/test/upgrade/extension_objects.sql" > "$WORK/objects_fresh"
if diff "$WORK/objects_fresh" "$WORK/objects_old" > "$WORK/objects.diff"; then echo "objects_differ=0"
else echo "objects_differ=$(grep -c "^[<>]" "$WORK/objects.diff")"; head -c 3000 "$WORK/objects.diff" | sed "s/^/# /"; fi

# Data, grants, quota and history survived; protection is 0.2s.
echo "rows=$(q -d old -c "SELECT count(*) FROM subs")"
echo "clear_for_reader=$(q -d old -c "SET ROLE up_reader" -c "SELECT count(*) FILTER (WHERE email::text NOT LIKE \$\$%***%\$\$) FROM subs")"
echo "lookup=$(q -d old -c "SELECT id FROM subs WHERE email = \$\$AFTER21@example.com\$\$")"
echo "owner=$(q -d old -c "SELECT relowner::regrole FROM pg_class WHERE oid = \$\$subs\$\$::regclass")"
echo "used_kept=$(q -d old -c "SELECT used >= $(cat "$WORK/used_before") FROM listguard.quota_usage")"
echo "history_kept=$(q -d old -c "SELECT md5(string_agg(encode(link, \$\$hex\$\$), \$\$,\$\$ ORDER BY id)) = \$\$$(cat "$WORK/links_before")\$\$ FROM listguard.audit_log WHERE id <= $(cat "$WORK/events_before")")"
CALL=$(q -d old -c "CALL listguard.stamp_existing(\$\$subs\$\$)" 2>&1 | tail -1)
echo "clear_after_stamping=$(q -d old -c "SET ROLE up_reader" -c "SELECT count(*) FILTER (WHERE email::text NOT LIKE \$\$%***%\$\$) FROM subs")"
q -d old -c "INSERT INTO subs VALUES (100, 1, 10, \$\$new.after.update@example.com\$\$)" >/dev/null
settle old || true
echo "formats=$(q -d old -c "SELECT string_agg(DISTINCT format::text, \$\$,\$\$ ORDER BY format::text) FROM listguard.audit_log")"
echo "verify=$(q -d old -c "SELECT ok || \$\$ \$\$ || checked || coalesce(\$\$ \$\$ || problem, \$\$\$\$) FROM listguard.verify_audit()")"
' 2>&1)
line() { printf '%s\n' "$out" | grep "^$1=" | head -1 | cut -d= -f2-; }
say() { if [ "$2" = yes ]; then echo "ok $1 - $3"; else echo "not ok $1 - $3"; fi; }
printf "%s\n" "$out" | grep "^#" | head -40; [ -n "${UPGRADE_DEBUG:-}" ] && printf "%s\n" "$out" >&2
events_before=$(line events_before)
say 1 "$([ -z "$(line update_failed)" ] && [ "$(line version)" = "$current" ] && echo yes)" \
    "ALTER EXTENSION listguard UPDATE reaches $current $(line update_failed)"
say 2 "$([ "$(line objects_differ)" = 0 ] && echo yes)" \
    "the upgraded extension's objects are exactly a fresh install's ($(line objects_differ) lines differ)"
say 3 "$([ "$(line rows)" = 40 ] && [ "$(line lookup)" = 21 ] && echo yes)" "every row survives and lookups work"
say 4 "$([ "$(line read_before_update)" = 10 ] && [ "$(line used_kept)" = t ] && echo yes)" \
    "grants and quota use survive (read before the update: $(line read_before_update))"
say 5 "$([ "$(line owner)" = listguard_owner ] && [ "$(line clear_after_stamping)" = 20 ] && echo yes)" \
    "protected tables are protected the 0.2 way (owner $(line owner), clear after stamping $(line clear_after_stamping))"
say 6 "$([ "$(line stamp_notice)" = yes ] && echo yes)" "the update names the tables whose old rows wait for stamp_existing()"
say 7 "$([ "$(line history_kept)" = t ] && [ "${events_before:-0}" -gt 0 -o -z "$old_so" ] && echo yes)" \
    "the audit history written by 0.1.0 ($events_before events) is kept, link for link"
say 8 "$(case "$(line verify)" in "true "*) echo yes;; esac)" \
    "verify_audit() is ok over old and new events (formats $(line formats)): $(line verify)"
say 9 "$([ "$(line owner_search_path)" = "search_path=pg_catalog, pg_temp" ] && echo yes)" \
    "the update pins listguard_owner's search_path (Citus's calls as it): $(line owner_search_path)"
