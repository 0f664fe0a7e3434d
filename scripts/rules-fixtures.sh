#!/usr/bin/env bash
# Makes tests/fixtures/rules/: a stand-in for a chain that ends in "Sectigo Public Server
# Authentication Root R46" (and a cross-certificate of that root by a stand-in "USERTrust RSA
# Certification Authority"), for the chain.cross_sign_needed scenarios. Every certificate here is
# a TEST certificate with the organisation "certdoctor Test"; only the CA common names copy the
# real ones, because that is what the rule looks at. Keys are thrown away; dates are fixed
# (2025-01-01 .. 2035-01-01). Needs the openssl CLI (3.0 or later).
#
# Usage: scripts/rules-fixtures.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/tests/fixtures/rules"
WORK="$(mktemp -d)"
trap 's=$?; [ $s -ne 0 ] && [ -f "$WORK/log" ] && tail -n 20 "$WORK/log" >&2; rm -rf "$WORK"' EXIT
export CA_DIR="$WORK"
D0=20250101000000Z
D1=20350101000000Z

rm -rf "$OUT"
mkdir -p "$OUT"

cat >"$WORK/ca.cnf" <<'CNF'
[ ca ]
default_ca = CA_default
[ CA_default ]
dir             = $ENV::CA_DIR
database        = $dir/index.txt
new_certs_dir   = $dir
serial          = $dir/serial
default_md      = sha256
policy          = policy_any
unique_subject  = no
copy_extensions = none
email_in_dn     = no
[ policy_any ]
countryName      = optional
organizationName = optional
commonName       = supplied
[ req ]
distinguished_name = dn
prompt             = no
[ dn ]
CN = unused
[ ext_root ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
[ ext_cross ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
[ ext_issuing ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, digitalSignature, keyCertSign, cRLSign
extendedKeyUsage       = serverAuth, clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
[ ext_leaf ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth, clientAuth
subjectAltName         = DNS:www.example.test, DNS:example.test
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
CNF

n=0
# ca_sign CAKEY CACERT|- CSR OUT EXT  (CACERT "-" = self-signed)
ca_sign() {
    n=$((n + 1))
    export CA_DIR="$WORK/db$n"
    mkdir -p "$CA_DIR"
    : >"$CA_DIR/index.txt"
    if [ "$2" = "-" ]; then
        openssl ca -batch -config "$WORK/ca.cnf" -selfsign -keyfile "$1" -in "$3" -out "$4" \
            -extensions "$5" -startdate "$D0" -enddate "$D1" -notext -rand_serial -preserveDN \
            2>>"$WORK/log" >/dev/null
    else
        openssl ca -batch -config "$WORK/ca.cnf" -keyfile "$1" -cert "$2" -in "$3" -out "$4" \
            -extensions "$5" -startdate "$D0" -enddate "$D1" -notext -rand_serial -preserveDN \
            2>>"$WORK/log" >/dev/null
    fi
}
key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }
req() { openssl req -new -config "$WORK/ca.cnf" -key "$1" -subj "$2" -out "$3"; }

W="$WORK"
key "$W/r46.key"; key "$W/ut.key"; key "$W/iss.key"; key "$W/leaf.key"
req "$W/r46.key" "/C=GB/O=certdoctor Test/CN=Sectigo Public Server Authentication Root R46" "$W/r46.csr"
req "$W/ut.key" "/C=US/O=certdoctor Test/CN=USERTrust RSA Certification Authority" "$W/ut.csr"
req "$W/iss.key" "/C=GB/O=certdoctor Test/CN=certdoctor Test Public Server Authentication CA DV R36" "$W/iss.csr"
req "$W/leaf.key" "/C=US/O=certdoctor Test/CN=www.example.test" "$W/leaf.csr"

ca_sign "$W/r46.key" - "$W/r46.csr" "$OUT/r46-root.pem" ext_root
ca_sign "$W/ut.key" - "$W/ut.csr" "$OUT/usertrust-root.pem" ext_root
ca_sign "$W/ut.key" "$OUT/usertrust-root.pem" "$W/r46.csr" "$OUT/r46-cross-by-usertrust.pem" ext_cross
ca_sign "$W/r46.key" "$OUT/r46-root.pem" "$W/iss.csr" "$W/issuing.pem" ext_issuing
ca_sign "$W/iss.key" "$W/issuing.pem" "$W/leaf.csr" "$W/leaf.pem" ext_leaf

cat "$W/leaf.pem" "$W/issuing.pem" >"$OUT/r46-leaf-chain.pem"
cat "$W/leaf.pem" "$W/issuing.pem" "$OUT/r46-cross-by-usertrust.pem" >"$OUT/r46-leaf-chain-with-cross.pem"

# Sanity: the chain verifies to the stand-in R46 root, and through the cross-certificate to the
# stand-in USERTrust root.
openssl verify -CAfile "$OUT/r46-root.pem" -untrusted "$W/issuing.pem" "$W/leaf.pem" >/dev/null
cat "$W/issuing.pem" "$OUT/r46-cross-by-usertrust.pem" >"$W/untrusted.pem"
openssl verify -CAfile "$OUT/usertrust-root.pem" -untrusted "$W/untrusted.pem" "$W/leaf.pem" >/dev/null

cat >"$OUT/README.md" <<'MD'
# rules/

Made by `scripts/rules-fixtures.sh`. TEST certificates only (organisation "certdoctor Test"); the
CA common names copy Sectigo's because chain.cross_sign_needed looks at them. Valid
2025-01-01T00:00:00Z .. 2035-01-01T00:00:00Z. Keys are not kept.

- `r46-root.pem` — stand-in "Sectigo Public Server Authentication Root R46", self-signed, RSA 2048.
- `usertrust-root.pem` — stand-in "USERTrust RSA Certification Authority", self-signed.
- `r46-cross-by-usertrust.pem` — the stand-in R46 (same subject and key as r46-root) issued by the stand-in USERTrust root: a cross-certificate.
- `r46-leaf-chain.pem` — CN=www.example.test (SAN www.example.test, example.test; EKU serverAuth), then its issuer "certdoctor Test Public Server Authentication CA DV R36" (issued by r46-root). Trust r46-root to get a chain anchored in "R46" with no cross-certificate.
- `r46-leaf-chain-with-cross.pem` — the same two certificates followed by r46-cross-by-usertrust.
MD
echo "rules fixtures written to $OUT"
