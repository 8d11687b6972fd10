#!/usr/bin/env bash
# 71: hand-made assertion shapes, signed with webapp's real key (so only the
# parsing/claim rules stand between them and act_as()), offered in webapp's
# session: an escaped duplicate claim name ("\u0073ub"), duplicate alg,
# an embedded attacker jwk/jku (signed with the attacker's key), exp more
# than 300 s after iat by a fraction, exp overflowing to inf, nbf ahead,
# aud [] and aud with a non-string, kid/jti/sub of the wrong type, a
# padded or trailing-newline token, a signature with extra bytes.
# Secure outcome: every one refused with its SQLSTATE and nothing in force,
# except shapes that are only cosmetic (same signed content) - those may be
# accepted once (the jti is the replay key).
# Result: held (every shape refused with its own SQLSTATE; the baseline accepted).
. "$(dirname "$0")/principals_env.sh"
K="$ROOT/test/principals"
b64url() { basenc --base64url -w0 | tr -d '='; }
mk() { # header-json claims-json [signer]
  local h c s in; h=$(printf '%s' "$1" | b64url); c=$(printf '%s' "$2" | b64url)
  in="$h.$c"; printf '%s' "$in" > /tmp/atk5/in71; s=$(openssl pkeyutl -sign -inkey "$K/${3:-webapp}.key" -rawin -in /tmp/atk5/in71 | b64url)
  printf '%s.%s' "$in" "$s"; }
now=$(date +%s); j() { od -An -tx1 -N8 /dev/urandom | tr -d ' \n'; }
H='{"alg":"EdDSA","typ":"JWT"}'
C() { printf '{"sub":"acme:bob","aud":"esp","iat":%s,"exp":%s,"jti":"%s"%s}' "$now" "$((now+60))" "$(j)" "$1"; }
try() { local out; out=$(U=webapp sq -c "BEGIN" -c "SELECT listguard.act_as(\$tok\$$2\$tok\$)" -c "SELECT coalesce(listguard.current_principal(),'(nobody)')" -c "COMMIT" 2>&1 | grep -E '^(ERROR|acme|\(nobody\))' | head -1); printf '%-34s %s\n' "$1" "$out"; }
atk_pub=$(openssl pkey -in "$K/other.key" -pubout -outform DER | tail -c 32 | b64url)
try "baseline" "$(mk "$H" "$(C '')")"
try "escaped duplicate sub" "$(mk "$H" "$(C ',"\u0073ub":"acme:alice"')")"
try "escaped duplicate in header" "$(mk '{"alg":"EdDSA","\u0061lg":"none"}' "$(C '')")"
try "embedded jwk, attacker-signed" "$(mk "{\"alg\":\"EdDSA\",\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"$atk_pub\"}}" "$(C '')" other)"
try "jku, attacker-signed" "$(mk '{"alg":"EdDSA","jku":"https://evil.example/k"}' "$(C '')" other)"
try "exp = iat+300.5 (real)" "$(mk "$H" "{\"sub\":\"acme:bob\",\"aud\":\"esp\",\"iat\":$((now-1)),\"exp\":$((now+299)).5,\"jti\":\"$(j)\"}")"
try "exp 1e400" "$(mk "$H" "{\"sub\":\"acme:bob\",\"aud\":\"esp\",\"iat\":$now,\"exp\":1e400,\"jti\":\"$(j)\"}")"
try "iat -1e400 exp 1e400" "$(mk "$H" "{\"sub\":\"acme:bob\",\"aud\":\"esp\",\"iat\":-1e400,\"exp\":1e400,\"jti\":\"$(j)\"}")"
try "nbf +100" "$(mk "$H" "$(C ",\"nbf\":$((now+100))")")"
try "aud []" "$(mk "$H" "{\"sub\":\"acme:bob\",\"aud\":[],\"iat\":$now,\"exp\":$((now+60)),\"jti\":\"$(j)\"}")"
try "aud [esp, 5]" "$(mk "$H" "{\"sub\":\"acme:bob\",\"aud\":[\"esp\",5],\"iat\":$now,\"exp\":$((now+60)),\"jti\":\"$(j)\"}")"
try "kid number" "$(mk '{"alg":"EdDSA","kid":5}' "$(C '')")"
try "jti number" "$(mk "$H" "{\"sub\":\"acme:bob\",\"aud\":\"esp\",\"iat\":$now,\"exp\":$((now+60)),\"jti\":5}")"
try "jti empty" "$(mk "$H" "{\"sub\":\"acme:bob\",\"aud\":\"esp\",\"iat\":$now,\"exp\":$((now+60)),\"jti\":\"\"}")"
try "sub array" "$(mk "$H" "{\"sub\":[\"acme:bob\"],\"aud\":\"esp\",\"iat\":$now,\"exp\":$((now+60)),\"jti\":\"$(j)\"}")"
try "sub with NUL escape" "$(mk "$H" "{\"sub\":\"acme:bob\\u0000x\",\"aud\":\"esp\",\"iat\":$now,\"exp\":$((now+60)),\"jti\":\"$(j)\"}")"
t=$(mk "$H" "$(C '')"); try "trailing newline" "$t
"
t=$(mk "$H" "$(C '')"); try "signature + extra bytes" "${t}AAAA"
t=$(mk "$H" "$(C '')"); try "padded signature" "${t}=="
