#!/usr/bin/env bash
# 88: what a monitor sees of names that hold an address depends on
# listguard._redact(): does any address form slip through it (case, quoted
# local part, IP literal, non-ASCII, full-width @, %-routing, plus tags,
# angle brackets, trailing dot)? Forms that slip are compared with what
# listguard.email accepts (only those are subscriber addresses).
# Secure outcome: every form listguard.email accepts is masked.
# Result: held. Unmasked are only forms listguard.email refuses
# (jane@[10.0.0.1], jané@exämple.com, jane＠corp.example, jane(at)..,
# jane@-corp.example); everything the type accepts is masked (the domain is
# kept by design).
. "$(dirname "$0")/atk6_env.sh"
U=a6_mon sq -c "SELECT x, listguard._redact(x), listguard._has_address(x), (SELECT true FROM (SELECT 1) s WHERE x IS NOT NULL) FROM unnest(ARRAY[
 'Jane.Doe@Corp.Example', '\"jane doe\"@corp.example', 'jane@localhost', 'jane@[10.0.0.1]', 'jané@exämple.com',
 'jane%corp.example@relay.example', 'jane+tag@corp.example', 'JANE@CORP.EXAMPLE.', 'jane@xn--exmple-cua.com',
 'jane＠corp.example', 'jane.doe(at)corp.example', '<jane@corp.example>', 'jane@-corp.example', 'user@1.2.3.4']) x"
for a in 'jane@[10.0.0.1]' 'jané@exämple.com' 'jane＠corp.example' 'jane@-corp.example'; do
  echo "email type, $a: $(sq -c "SELECT '$a'::listguard.email IS NOT NULL" 2>&1 | head -1)"
done
