#!/usr/bin/env bash
# Makes tests/fixtures/chain-extra/: certificates for the signature and chain-building tests that
# the shared test PKI (scripts/make-fixtures.sh) does not cover.
#
#   - signature algorithms: RSASSA-PSS with SHA-256 and SHA-384, RSA PKCS#1 v1.5 with SHA-1,
#     SHA-224 and SHA-512, ECDSA P-256 / P-384 with SHA-1, SHA-256, SHA-384 and SHA-512, and a
#     P-256 certificate request;
#   - a small hierarchy with 50 look-alike intermediates (same subject as the real issuing CA,
#     each with its own key, no key identifiers) to check that chain building stays within its
#     signature-check budget;
#   - same-name issuers on two curves (P-384 real, P-256 look-alikes), for signer-key recovery.
#
# Needs the OpenSSL 3 command line. Keys are new on every run; names, dates and the structure
# stay the same. Every certificate is valid 2025-01-01T00:00:00Z .. 2035-01-01T00:00:00Z.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/tests/fixtures/chain-extra"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
# `openssl req` reads the same file, so the variable must always have a value.
export CA_DIR="$WORK"

START=20250101000000Z
END=20350101000000Z

CNF="$WORK/ca.cnf"
cat >"$CNF" <<'EOF'
[ ca ]
default_ca = CA_default

[ CA_default ]
dir = ${ENV::CA_DIR}
database = $dir/index.txt
new_certs_dir = $dir
serial = $dir/serial
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no

[ policy_any ]
countryName = optional
organizationName = optional
commonName = supplied

[ req ]
distinguished_name = req_dn
prompt = no

[ req_dn ]
CN = placeholder

[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ root_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = none

[ leaf_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.example.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

# No key identifiers at all: the chain builder can only match by name and must try every
# certificate with the right subject.
[ bare_ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = none
authorityKeyIdentifier = none

[ bare_leaf_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.example.test
subjectKeyIdentifier = none
authorityKeyIdentifier = none
EOF

q() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@"; exit 1; }; }

rsa_key() { q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1"; }
ec_key() { q openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$2" -out "$1"; }

csr() { # key subject out
    q openssl req -new -config "$CNF" -key "$1" -subj "$2" -out "$3"
}

db() { # name
    local d="$WORK/db-$1"
    if [ ! -d "$d" ]; then
        mkdir -p "$d"
        : >"$d/index.txt"
        openssl rand -hex 16 >"$d/serial"
    fi
    echo "$d"
}

# selfsign name key subject ext md out
selfsign() {
    csr "$2" "$3" "$WORK/$1.csr"
    CA_DIR="$(db "$1")" q openssl ca -batch -config "$CNF" -selfsign -keyfile "$2" \
        -in "$WORK/$1.csr" -out "$6" -extensions "$4" -startdate "$START" -enddate "$END" \
        -md "$5" -notext
}

# issue caname cacert cakey key subject ext md out [sigopt...]
issue() {
    local ca="$1" cacert="$2" cakey="$3" key="$4" subj="$5" ext="$6" md="$7" out="$8"
    shift 8
    local opts=()
    for o in "$@"; do opts+=(-sigopt "$o"); done
    csr "$key" "$subj" "$WORK/req.csr"
    CA_DIR="$(db "$ca")" q openssl ca -batch -config "$CNF" -cert "$cacert" -keyfile "$cakey" \
        -in "$WORK/req.csr" -out "$out" -extensions "$ext" -startdate "$START" -enddate "$END" \
        -md "$md" -notext "${opts[@]}"
}

T="/C=US/O=certdoctor Test"

# --- RSA: one CA, leaves signed with every RSA scheme --------------------------------------
rsa_key "$WORK/pss-ca.key"
selfsign pss "$WORK/pss-ca.key" "$T/CN=certdoctor Test Signature CA RSA" root_ext sha256 "$OUT/pss-ca.pem"
rsa_key "$WORK/rsa-leaf.key"
issue pss "$OUT/pss-ca.pem" "$WORK/pss-ca.key" "$WORK/rsa-leaf.key" "$T/CN=www.example.test" \
    leaf_ext sha256 "$OUT/pss-leaf.pem" rsa_padding_mode:pss rsa_pss_saltlen:32 rsa_mgf1_md:sha256
issue pss "$OUT/pss-ca.pem" "$WORK/pss-ca.key" "$WORK/rsa-leaf.key" "$T/CN=www.example.test" \
    leaf_ext sha384 "$OUT/pss384-leaf.pem" rsa_padding_mode:pss rsa_pss_saltlen:48 rsa_mgf1_md:sha384
for md in sha1 sha224 sha512; do
    issue pss "$OUT/pss-ca.pem" "$WORK/pss-ca.key" "$WORK/rsa-leaf.key" "$T/CN=www.example.test" \
        leaf_ext "$md" "$OUT/rsa-$md-leaf.pem"
done

# --- ECDSA: P-384 root, P-256 intermediate, leaves on both curves --------------------------
ec_key "$WORK/p384-ca.key" P-384
selfsign p384 "$WORK/p384-ca.key" "$T/CN=certdoctor Test Signature CA P-384" root_ext sha384 "$OUT/p384-ca.pem"
ec_key "$WORK/p256-ca.key" P-256
issue p384 "$OUT/p384-ca.pem" "$WORK/p384-ca.key" "$WORK/p256-ca.key" \
    "$T/CN=certdoctor Test Signature CA P-256" ca_ext sha384 "$OUT/p256-ca.pem"
ec_key "$WORK/p256-leaf.key" P-256
issue p256 "$OUT/p256-ca.pem" "$WORK/p256-ca.key" "$WORK/p256-leaf.key" "$T/CN=www.example.test" \
    leaf_ext sha256 "$OUT/p256-leaf.pem"
issue p256 "$OUT/p256-ca.pem" "$WORK/p256-ca.key" "$WORK/p256-leaf.key" "$T/CN=www.example.test" \
    leaf_ext sha1 "$OUT/p256-sha1-leaf.pem"
ec_key "$WORK/p384-leaf.key" P-384
issue p384 "$OUT/p384-ca.pem" "$WORK/p384-ca.key" "$WORK/p384-leaf.key" "$T/CN=www.example.test" \
    leaf_ext sha384 "$OUT/p384-leaf.pem"
issue p384 "$OUT/p384-ca.pem" "$WORK/p384-ca.key" "$WORK/p384-leaf.key" "$T/CN=www.example.test" \
    leaf_ext sha512 "$OUT/p384-sha512-leaf.pem"
q openssl req -new -config "$CNF" -key "$WORK/p256-leaf.key" -subj "$T/CN=www.example.test" \
    -sha256 -out "$OUT/p256.csr"

# --- look-alike intermediates ---------------------------------------------------------------
newkey() { # file spec: "rsa" or an EC curve name
    if [ "$2" = rsa ]; then rsa_key "$1"; else ec_key "$1" "$2"; fi
}

# lookalike_set base md count root-key int-key lookalike-key leaf-key root.pem int.pem lookalikes.pem leaf.pem
# A hierarchy without key identifiers anywhere (the chain builder can only match by name):
# "<base> Root" issues "<base> Issuing CA", the real issuer of the leaf, and `count` look-alikes
# with exactly that name, each with its own key. Subjects start /C=US/O=<base>.
lookalike_set() {
    local base="$1" md="$2" count="$3" kroot="$4" kint="$5" kalike="$6" kleaf="$7"
    local root="$8" int="$9" alikes="${10}" leaf="${11}"
    local n="/C=US/O=$base" t
    t="$(basename "$root" .pem)"
    newkey "$WORK/$t.key" "$kroot"
    selfsign "$t" "$WORK/$t.key" "$n/CN=$base Root" bare_ca_ext "$md" "$root"
    newkey "$WORK/$t-int.key" "$kint"
    issue "$t" "$root" "$WORK/$t.key" "$WORK/$t-int.key" "$n/CN=$base Issuing CA" bare_ca_ext "$md" "$int"
    newkey "$WORK/$t-leaf.key" "$kleaf"
    issue "$t-int" "$int" "$WORK/$t-int.key" "$WORK/$t-leaf.key" "$n/CN=www.example.test" \
        bare_leaf_ext "$md" "$leaf"
    : >"$alikes"
    for i in $(seq 1 "$count"); do
        newkey "$WORK/$t-$i.key" "$kalike"
        issue "$t" "$root" "$WORK/$t.key" "$WORK/$t-$i.key" "$n/CN=$base Issuing CA" \
            bare_ca_ext "$md" "$WORK/$t-$i.pem"
        cat "$WORK/$t-$i.pem" >>"$alikes"
    done
}

# 50 ECDSA P-256 look-alikes.
lookalike_set "certdoctor Lookalike" sha256 50 P-256 P-256 P-256 P-256 \
    "$OUT/la-root.pem" "$OUT/la-int.pem" "$OUT/lookalikes-50.pem" "$OUT/la-leaf.pem"
# 50 RSA look-alikes: RSA has no signer-key recovery, each costs one verification (benched).
lookalike_set "certdoctor RSA Lookalike" sha256 50 rsa rsa rsa rsa \
    "$OUT/rsa-la-root.pem" "$OUT/rsa-la-int.pem" "$OUT/rsa-lookalikes-50.pem" "$OUT/rsa-la-leaf.pem"
# Same-name issuers on two curves: the real issuing CA on P-384, two look-alikes on P-256, a
# P-256 leaf. Recovering the signer keys on one curve must not rule out a candidate on the other.
lookalike_set "certdoctor Mixed" sha384 2 P-384 P-384 P-256 P-256 \
    "$OUT/mixed-root.pem" "$OUT/mixed-int-p384.pem" "$OUT/mixed-lookalikes-p256.pem" \
    "$OUT/mixed-leaf.pem"

# --- the real Sectigo / USERTrust / AAA / AddTrust CA certificates ---------------------------
# Public CA certificates, copied from the project's shared reference set (see its SOURCES.txt
# for where each one was taken from and how it was checked).
SECTIGO_SRC="${SECTIGO_SRC:-$ROOT/../shared/certs/sectigo}"
if [ -d "$SECTIGO_SRC" ]; then
    mkdir -p "$OUT/sectigo"
    cp "$SECTIGO_SRC"/*.pem "$SECTIGO_SRC/SOURCES.txt" "$OUT/sectigo/"
elif [ ! -d "$OUT/sectigo" ]; then
    echo "note: $SECTIGO_SRC not found; sectigo/ not refreshed" >&2
fi

# --- sanity checks -------------------------------------------------------------------------
v() { q openssl verify -no_check_time -partial_chain -CAfile "$1" "$2"; }
v "$OUT/pss-ca.pem" "$OUT/pss-leaf.pem"
v "$OUT/pss-ca.pem" "$OUT/pss384-leaf.pem"
v "$OUT/p384-ca.pem" "$OUT/p256-ca.pem"
v "$OUT/p256-ca.pem" "$OUT/p256-leaf.pem"
v "$OUT/p384-ca.pem" "$OUT/p384-leaf.pem"
q openssl verify -no_check_time -CAfile "$OUT/la-root.pem" -untrusted "$OUT/la-int.pem" "$OUT/la-leaf.pem"
q openssl req -in "$OUT/p256.csr" -verify -noout
[ "$(grep -c 'BEGIN CERTIFICATE' "$OUT/lookalikes-50.pem")" = 50 ]
q openssl verify -no_check_time -CAfile "$OUT/rsa-la-root.pem" -untrusted "$OUT/rsa-la-int.pem" "$OUT/rsa-la-leaf.pem"
[ "$(grep -c 'BEGIN CERTIFICATE' "$OUT/rsa-lookalikes-50.pem")" = 50 ]
q openssl verify -no_check_time -CAfile "$OUT/mixed-root.pem" -untrusted "$OUT/mixed-int-p384.pem" "$OUT/mixed-leaf.pem"

cat >"$OUT/README.md" <<'EOF'
# chain-extra/

Made by `scripts/chain-fixtures.sh` (OpenSSL 3 CLI). Keys change on every run; names, dates and
structure stay. Every certificate is valid 2025-01-01T00:00:00Z .. 2035-01-01T00:00:00Z.
Subjects start `C=US, O=certdoctor Test` (signature set) or `C=US, O=certdoctor Lookalike`.

## Signature algorithms
- `pss-ca.pem` — "certdoctor Test Signature CA RSA", self-signed, RSA 2048, sha256WithRSAEncryption.
- `pss-leaf.pem` — CN=www.example.test, RSA 2048, signed by pss-ca with RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32).
- `pss384-leaf.pem` — same subject key, RSASSA-PSS (SHA-384, MGF1-SHA-384, salt 48).
- `rsa-sha1-leaf.pem`, `rsa-sha224-leaf.pem`, `rsa-sha512-leaf.pem` — same subject key, signed by pss-ca with PKCS#1 v1.5 and that hash.
- `p384-ca.pem` — "certdoctor Test Signature CA P-384", self-signed, EC P-384, ecdsa-with-SHA384.
- `p256-ca.pem` — "certdoctor Test Signature CA P-256", EC P-256, issued by p384-ca (ecdsa-with-SHA384).
- `p256-leaf.pem` / `p256-sha1-leaf.pem` — CN=www.example.test, EC P-256, issued by p256-ca with ecdsa-with-SHA256 / ecdsa-with-SHA1.
- `p384-leaf.pem` / `p384-sha512-leaf.pem` — CN=www.example.test, EC P-384, issued by p384-ca with ecdsa-with-SHA384 / ecdsa-with-SHA512.
- `p256.csr` — PEM certificate request of the p256-leaf key, ecdsa-with-SHA256, valid signature.

## sectigo/
Real public CA certificates (Sectigo RSA DV/OV/EV intermediates, USERTrust RSA/ECC roots and their
cross-certificates by AAA Certificate Services and by the AddTrust External CA Root that expired
2020-05-30, AAA, AddTrust, Sectigo R46/E46 roots), copied unchanged; provenance in
`sectigo/SOURCES.txt`.

## Look-alikes (no subject or authority key identifiers anywhere)
- `la-root.pem` — "certdoctor Lookalike Root", self-signed, EC P-256.
- `la-int.pem` — "certdoctor Lookalike Issuing CA", issued by la-root; the real issuer of la-leaf.
- `la-leaf.pem` — CN=www.example.test, issued by la-int.
- `lookalikes-50.pem` — 50 certificates with exactly la-int's subject, each with its own P-256 key, each issued by la-root; none signed la-leaf.

## RSA look-alikes (no key identifiers)
- `rsa-la-root.pem`, `rsa-la-int.pem`, `rsa-la-leaf.pem` — the same structure as the look-alike set above ("certdoctor RSA Lookalike …"), RSA 2048, sha256WithRSAEncryption.
- `rsa-lookalikes-50.pem` — 50 certificates with exactly rsa-la-int's subject, each with its own RSA 2048 key, issued by rsa-la-root; none signed rsa-la-leaf.

## Same-name issuers on two curves (no key identifiers)
- `mixed-root.pem` — "certdoctor Mixed Root", self-signed, EC P-384.
- `mixed-int-p384.pem` — "certdoctor Mixed Issuing CA", EC P-384, issued by mixed-root; the real issuer of mixed-leaf.
- `mixed-lookalikes-p256.pem` — two certificates with exactly mixed-int's subject, each with its own P-256 key, issued by mixed-root.
- `mixed-leaf.pem` — CN=www.example.test, EC P-256, issued by mixed-int-p384 (ecdsa-with-SHA384).
EOF

echo "wrote $OUT"
