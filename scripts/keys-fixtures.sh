#!/usr/bin/env bash
# Makes tests/fixtures/keys-extra/: private keys for the key-reading tests that the shared
# fixtures (scripts/make-fixtures.sh, tests/fixtures/keys/) do not cover: the other traditional
# PEM ciphers, traditional-encrypted EC keys, SEC1 without or with a wrong public point, P-384,
# curves without arithmetic here (P-521, secp256k1), Ed25519, RSA-PSS, DSA, PBES2 with scrypt and
# with hmacWithSHA1, PBES1, and DER files of each structure.
#
# Next to every key whose public key is known, `<name>.spki.sha256` holds the hex SHA-256 of its
# SubjectPublicKeyInfo DER as OpenSSL derives it (`openssl pkey -pubout -outform DER | sha256sum`).
#
# Needs the OpenSSL 3 command line (DES-CBC needs its legacy provider) and python3. Keys are new
# on every run. Password for every encrypted key: `correct horse`.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/tests/fixtures/keys-extra"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
rm -f "$OUT"/*.pem "$OUT"/*.der "$OUT"/*.sha256
PASS='pass:correct horse'

# hex SHA-256 of the SPKI OpenSSL derives from a key file; extra arguments go to `openssl pkey`.
spki_hash() {
    openssl pkey -in "$1" "${@:2}" -pubout -outform DER | sha256sum | cut -d' ' -f1
}

# --- RSA 2048, traditional PEM with every cipher OpenSSL offers for it --------------------------
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/rsa.pem" 2>/dev/null
cp "$WORK/rsa.pem" "$OUT/rsa.pkcs8.pem"
# DER forms. (OpenSSL 3.0's `pkey -outform DER` writes PKCS#1 for RSA; `pkcs8 -topk8` is PKCS#8.)
openssl pkcs8 -topk8 -nocrypt -in "$WORK/rsa.pem" -outform DER -out "$OUT/rsa.pkcs8.der"
openssl rsa -in "$WORK/rsa.pem" -traditional -outform DER -out "$OUT/rsa.pkcs1.der" 2>/dev/null
openssl pkcs8 -topk8 -in "$WORK/rsa.pem" -v2 aes-256-cbc -passout "$PASS" -outform DER \
    -out "$OUT/rsa.pkcs8-enc-aes256.der"
openssl pkcs8 -topk8 -in "$WORK/rsa.pem" -v1 PBE-SHA1-3DES -passout "$PASS" -outform DER \
    -out "$OUT/rsa.pkcs8-enc-sha1-3des.der"
spki_hash "$WORK/rsa.pem" >"$OUT/rsa.spki.sha256"
openssl rsa -in "$WORK/rsa.pem" -traditional -aes192 -passout "$PASS" \
    -out "$OUT/rsa.pkcs1-enc-aes192.pem" 2>/dev/null
openssl rsa -in "$WORK/rsa.pem" -traditional -des -passout "$PASS" \
    -provider legacy -provider default -out "$OUT/rsa.pkcs1-enc-des.pem" 2>/dev/null
# PBES2 with scrypt (N=16384, r=8, p=1) and PBES2 with PBKDF2-hmacWithSHA1 + AES-128-CBC.
openssl pkcs8 -topk8 -in "$WORK/rsa.pem" -scrypt -passout "$PASS" \
    -out "$OUT/rsa.pkcs8-enc-scrypt.pem"
openssl pkcs8 -topk8 -in "$WORK/rsa.pem" -v2 aes-128-cbc -v2prf hmacWithSHA1 -passout "$PASS" \
    -out "$OUT/rsa.pkcs8-enc-sha1-aes128.pem"
# PBES1 (PKCS#5 v1.5) pbeWithMD5AndDES-CBC, 2048 iterations: recognised, not decrypted.
openssl pkcs8 -topk8 -in "$WORK/rsa.pem" -v1 PBE-MD5-DES -passout "$PASS" \
    -provider legacy -provider default -out "$OUT/rsa.pkcs8-enc-pbes1-md5-des.pem"

# --- EC P-256: SEC1 forms and traditional encryption --------------------------------------------
openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/p256.pem"
cp "$WORK/p256.pem" "$OUT/p256.sec1.pem"
spki_hash "$WORK/p256.pem" >"$OUT/p256.spki.sha256"
openssl ec -in "$WORK/p256.pem" -no_public -out "$OUT/p256.sec1-nopub.pem" 2>/dev/null
openssl ec -in "$WORK/p256.pem" -aes256 -passout "$PASS" \
    -out "$OUT/p256.sec1-enc-aes256.pem" 2>/dev/null
openssl ec -in "$WORK/p256.pem" -des3 -passout "$PASS" \
    -out "$OUT/p256.sec1-enc-des3.pem" 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$WORK/p256.pem" -out "$OUT/p256.pkcs8.pem"
openssl ec -in "$WORK/p256.pem" -outform DER -out "$OUT/p256.sec1.der" 2>/dev/null
# SEC1 whose embedded public point belongs to ANOTHER P-256 key (same length, so the bytes are
# swapped in place): the private scalar is untouched, so the expected SPKI is still p256's.
openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/p256-other.pem"
openssl ec -in "$WORK/p256.pem" -outform DER -out "$WORK/p256.der" 2>/dev/null
openssl ec -in "$WORK/p256-other.pem" -outform DER -out "$WORK/p256-other.der" 2>/dev/null
python3 - "$WORK/p256.der" "$WORK/p256-other.der" "$WORK/p256-wrongpub.der" <<'EOF'
import sys
key = open(sys.argv[1], "rb").read()
other = open(sys.argv[2], "rb").read()
# Both end with the 65-byte uncompressed point (04 || X || Y) inside [1] BIT STRING.
assert key[-65] == 0x04 and other[-65] == 0x04
open(sys.argv[3], "wb").write(key[:-65] + other[-65:])
EOF
openssl ec -inform DER -in "$WORK/p256-wrongpub.der" -out "$OUT/p256.sec1-wrong-pub.pem" 2>/dev/null

# --- EC P-384, P-521, secp256k1 ------------------------------------------------------------------
for curve in secp384r1:p384 secp521r1:p521 secp256k1:secp256k1; do
    name="${curve#*:}"
    openssl ecparam -name "${curve%%:*}" -genkey -noout -out "$OUT/$name.sec1.pem"
    openssl pkcs8 -topk8 -nocrypt -in "$OUT/$name.sec1.pem" -out "$OUT/$name.pkcs8.pem"
    spki_hash "$OUT/$name.sec1.pem" >"$OUT/$name.spki.sha256"
done

# --- Ed25519, RSA-PSS, DSA -------------------------------------------------------------------------
openssl genpkey -algorithm ed25519 -out "$OUT/ed25519.pkcs8.pem"
spki_hash "$OUT/ed25519.pkcs8.pem" >"$OUT/ed25519.spki.sha256"
openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 \
    -out "$OUT/rsa-pss.pkcs8.pem" 2>/dev/null
spki_hash "$OUT/rsa-pss.pkcs8.pem" >"$OUT/rsa-pss.spki.sha256"
openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 \
    -out "$WORK/dsa-params.pem" 2>/dev/null
openssl genpkey -paramfile "$WORK/dsa-params.pem" -out "$OUT/dsa.pkcs8.pem"
openssl pkey -in "$OUT/dsa.pkcs8.pem" -traditional -out "$OUT/dsa.traditional.pem"

echo "wrote $(ls "$OUT" | wc -l) files to $OUT"
