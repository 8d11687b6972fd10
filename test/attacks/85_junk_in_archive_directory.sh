#!/usr/bin/env bash
# 85: odd files in listguard.audit_archive_directory (as someone with write
# access to that directory would leave them), then verify_audit_archive()
# and read_audit_archive() by a non-superuser admin: an empty file, random
# bytes, a 100 kB line, a directory, a symlink to /etc/passwd, a FIFO, all
# named *.lgseg. Also read_audit_archive() with NULL, '', '..' paths and an
# absolute path, and archive_audit(NULL / 'infinity' / '-infinity').
# Secure outcome: each odd file reported not ok, nothing disclosed, no crash,
# no hang; odd arguments refused.
# Result: FINDING (L) for the FIFO: verify_audit_archive() blocks in open()
# on fifo.lgseg for ever; pg_cancel_backend() and pg_terminate_backend() do
# nothing (the backend stays active) until something opens the FIFO for
# writing. Anyone who can create a file in the archive directory hangs every
# verification (a monitoring job's, the admin's) uninterruptibly. Held for
# the rest: each other file is reported (cut / malformed), the symlink's
# target is not shown, NULL and paths outside the directory refused,
# archive_audit(NULL) refused.
. "$(dirname "$0")/atk6_env.sh"
fresh
U=a6_admin sq -c "SELECT segment FROM listguard.archive_audit(now())"
as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
as bash -c "cd '$ARCH' && mkdir dir.lgseg && : > empty.lgseg && head -c 5000 /dev/urandom > junk.lgseg && ln -s /etc/passwd passwd.lgseg && head -c 100000 /dev/zero | tr '\\0' x > longline.lgseg"
U=a6_admin sq -c "SELECT segment, ok, problem FROM listguard.verify_audit_archive()"
for a in "'passwd.lgseg'" "'dir.lgseg'" "NULL" "''" "'../archive/passwd.lgseg'" "'/etc/passwd'"; do
  echo "read_audit_archive($a): $(U=a6_admin sq -c "SELECT count(*) FROM listguard.read_audit_archive($a)" 2>&1 | tr '\n' ' ' | cut -c1-160)"
done
for a in "NULL" "'infinity'" "'-infinity'"; do
  echo "archive_audit($a): $(U=a6_admin sq -c "SELECT segment, events FROM listguard.archive_audit($a)" 2>&1 | head -1)"
done
echo "-- the FIFO"
as mkfifo "$ARCH/fifo.lgseg"
U=a6_admin sq -c "SELECT count(*) FROM listguard.verify_audit_archive()" > /tmp/atk6/85.out 2>&1 &
sleep 2
p=$(sq -c "SELECT pid FROM pg_stat_activity WHERE usename = 'a6_admin' AND query LIKE '%verify_audit_archive%'")
echo "cancel: $(sq -c "SELECT pg_cancel_backend($p)")"; sleep 2
echo "after cancel: $(sq -c "SELECT state FROM pg_stat_activity WHERE pid = $p")"
echo "terminate: $(sq -c "SELECT pg_terminate_backend($p)")"; sleep 2
echo "after terminate: $(sq -c "SELECT state FROM pg_stat_activity WHERE pid = $p")"
timeout 5 bash -c "echo > '$ARCH/fifo.lgseg'"; sleep 1
echo "after a writer opened the FIFO: $(sq -c "SELECT count(*) FROM pg_stat_activity WHERE pid = $p") backend(s) left"
wait; rm -f "$ARCH/fifo.lgseg"
