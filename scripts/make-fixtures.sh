#!/usr/bin/env bash
# Regenerates the shared test fixtures under tests/fixtures/{pki,keys,csr,chain,p7,p12,broken}
# and the demo installations under samples/. Needs only the `openssl` CLI (3.0 or later) and
# python3 (standard library only, for byte-level edits). The outputs are committed: the tests
# never run openssl. Keys and serial numbers are random on every run; all validity dates are fixed.
#
# Usage: scripts/make-fixtures.sh        (quiet; prints the log and exits non-zero on failure)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FX="$ROOT/tests/fixtures"
SM="$ROOT/samples"
PW='correct horse'
PW_UTF8='pässwörd€'

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
LOG="$WORK/log"
: >"$LOG"

# Run a command quietly; on failure show what it said and stop.
q() {
    if ! "$@" >>"$LOG" 2>&1; then
        echo "make-fixtures: failed: $*" >&2
        tail -n 40 "$LOG" >&2
        exit 1
    fi
}

# Only our own sub-folders: other areas keep their fixtures next to these.
rm -rf "$FX"/{pki,keys,csr,chain,p7,p12,broken} \
    "$SM/iis-failed-import" "$SM/nginx-broken" "$SM/test-root.pem"
mkdir -p "$FX"/{pki,keys,csr,chain,p7,p12,broken} "$SM/iis-failed-import" "$SM/nginx-broken"

# ---------------------------------------------------------------------------------------------
# Throwaway `openssl ca` configuration. Each CA has its own database directory ($CA_DIR).
# ---------------------------------------------------------------------------------------------
export CA_DIR="$WORK/ca-default"
CNF="$WORK/ca.cnf"
cat >"$CNF" <<'EOF'
[ ca ]
default_ca = CA_default

[ CA_default ]
dir             = $ENV::CA_DIR
database        = $dir/index.txt
new_certs_dir   = $dir/new
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
distinguished_name = req_dn
[ req_dn ]

[ ext_root ]
basicConstraints     = critical,CA:TRUE
keyUsage             = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[ ext_int ]
basicConstraints       = critical,CA:TRUE,pathlen:0
keyUsage               = critical,digitalSignature,keyCertSign,cRLSign
extendedKeyUsage       = serverAuth,clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
authorityInfoAccess    = caIssuers;URI:http://pki.example.test/root.crt
crlDistributionPoints  = URI:http://crl.example.test/root.crl

[ ext_int_ec ]
basicConstraints       = critical,CA:TRUE,pathlen:0
keyUsage               = critical,digitalSignature,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ext_leaf ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature,keyEncipherment
extendedKeyUsage       = serverAuth,clientAuth
subjectAltName         = DNS:www.example.test,DNS:example.test,DNS:*.api.example.test,IP:192.0.2.10
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
authorityInfoAccess    = caIssuers;URI:http://pki.example.test/issuing.crt,OCSP;URI:http://ocsp.example.test
crlDistributionPoints  = URI:http://crl.example.test/issuing.crl
certificatePolicies    = 2.23.140.1.2.2

[ ext_leaf_clientauth ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature,keyEncipherment
extendedKeyUsage       = clientAuth
subjectAltName         = DNS:www.example.test,DNS:example.test,DNS:*.api.example.test,IP:192.0.2.10
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
authorityInfoAccess    = caIssuers;URI:http://pki.example.test/issuing.crt,OCSP;URI:http://ocsp.example.test
crlDistributionPoints  = URI:http://crl.example.test/issuing.crl

[ ext_leaf_unknown_crit ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature,keyEncipherment
extendedKeyUsage       = serverAuth,clientAuth
subjectAltName         = DNS:www.example.test,DNS:example.test,DNS:*.api.example.test,IP:192.0.2.10
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
authorityInfoAccess    = caIssuers;URI:http://pki.example.test/issuing.crt,OCSP;URI:http://ocsp.example.test
crlDistributionPoints  = URI:http://crl.example.test/issuing.crl
1.3.6.1.4.1.55555.1    = critical,ASN1:NULL

[ ext_leaf_ec ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
extendedKeyUsage       = serverAuth,clientAuth
subjectAltName         = DNS:www.example.test,DNS:example.test,DNS:*.api.example.test,IP:192.0.2.10
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ext_leaf_plain ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature,keyEncipherment
extendedKeyUsage       = serverAuth,clientAuth
subjectAltName         = DNS:www.example.test,DNS:example.test,DNS:*.api.example.test,IP:192.0.2.10
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ext_selfsigned ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature,keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:www.example.test,DNS:example.test
subjectKeyIdentifier   = hash

[ ext_codesign ]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
extendedKeyUsage       = codeSigning
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
authorityInfoAccess    = caIssuers;URI:http://pki.example.test/issuing.crt,OCSP;URI:http://ocsp.example.test
crlDistributionPoints  = URI:http://crl.example.test/issuing.crl
EOF

# ---------------------------------------------------------------------------------------------
# Python helper for the byte-level edits (standard library only).
# ---------------------------------------------------------------------------------------------
PY="$WORK/edit.py"
cat >"$PY" <<'EOF'
import base64, hashlib, hmac, sys, textwrap

# --- minimal DER reader/writer (single-byte tags, definite lengths) ---
def hdr(buf, off):
    tag = buf[off]
    ln = buf[off + 1]
    p = off + 2
    if ln & 0x80:
        n = ln & 0x7F
        ln = int.from_bytes(buf[p:p + n], "big")
        p += n
    return tag, p, p + ln          # tag, content start, content end

def elems(buf):
    out, off = [], 0
    while off < len(buf):
        tag, s, e = hdr(buf, off)
        out.append((tag, buf[s:e]))
        off = e
    return out

def enc_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b

def tlv(tag, content):
    return bytes([tag]) + enc_len(len(content)) + content

def seq(children):
    return b"".join(tlv(t, c) for t, c in children)

def pem(label, der):
    b = base64.b64encode(der).decode()
    return "-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(textwrap.wrap(b, 64)), label)

def unpem(text):
    lines = [l for l in text.splitlines() if l and not l.startswith("-----")]
    return base64.b64decode("".join(lines))

def rd(p): return open(p, "rb").read()
def wr(p, b): open(p, "wb").write(b)

BIG = (2147483647).to_bytes(4, "big")
OID_SAN = bytes.fromhex("0603551d11")
OID_DATA = bytes.fromhex("2a864886f70d010701")
OID_SHROUDED = bytes.fromhex("2a864886f70d010c0a0102")

# --- PKCS#12 key derivation (RFC 7292 appendix B.2) and MAC ---
HASHES = {  # OID content -> (name, block size)
    bytes.fromhex("2b0e03021a"): ("sha1", 64),
    bytes.fromhex("608648016503040201"): ("sha256", 64),
    bytes.fromhex("608648016503040202"): ("sha384", 128),
    bytes.fromhex("608648016503040203"): ("sha512", 128),
}

def p12_kdf(name, v, password, salt, idb, iters, n):
    u = hashlib.new(name).digest_size
    pw = (password.encode("utf-16-be") + b"\0\0") if password is not None else b""
    def fill(x):
        if not x:
            return b""
        n = v * ((len(x) + v - 1) // v)
        return (x * (n // len(x) + 1))[:n]
    I = bytearray(fill(salt) + fill(pw))
    D = bytes([idb]) * v
    out = b""
    while len(out) < n:
        a = hashlib.new(name, D + bytes(I)).digest()
        for _ in range(iters - 1):
            a = hashlib.new(name, a).digest()
        out += a
        B = int.from_bytes((a * (v // u + 1))[:v], "big")
        for j in range(0, len(I), v):
            x = (int.from_bytes(I[j:j + v], "big") + B + 1) % (1 << (8 * v))
            I[j:j + v] = x.to_bytes(v, "big")
    return out[:n]

def pfx_mac(authsafe_der, macdata, password):
    (_, digestinfo), (_, salt), (_, it) = elems(macdata)
    alg = elems(elems(digestinfo)[0][1])[0][1]
    name, v = HASHES[alg]
    key = p12_kdf(name, v, password, salt, 3, int.from_bytes(it, "big"), hashlib.new(name).digest_size)
    return hmac.new(key, authsafe_der, name).digest()

def set_mac(macdata, value):
    (_, digestinfo), salt, it = elems(macdata)
    algid, _ = elems(digestinfo)
    return seq([(0x30, seq([algid, (0x04, value)])), salt, it])

# --- edits ---
def dup_ext_tbs(cert_in, tbs_out):
    """Copy the subjectAltName extension so it appears twice, write the new TBS."""
    tbs = elems(elems(rd(cert_in))[0][1])[0][1]
    parts = elems(tbs)
    i = next(k for k, (t, _) in enumerate(parts) if t == 0xA3)
    exts = elems(elems(parts[i][1])[0][1])
    j = next(k for k, (_, c) in enumerate(exts) if c.startswith(OID_SAN))
    exts.insert(j + 1, exts[j])
    parts[i] = (0xA3, tlv(0x30, seq(exts)))
    wr(tbs_out, tlv(0x30, seq(parts)))

def assemble_cert(cert_in, tbs_in, sig_in, out):
    _, alg, _ = elems(elems(rd(cert_in))[0][1])
    wr(out, tlv(0x30, rd(tbs_in) + tlv(alg[0], alg[1]) + tlv(0x03, b"\0" + rd(sig_in))))

def corrupt_body(der_in, pem_out):
    """Keep the outer SEQUENCE header, replace everything inside it with 0xFF."""
    der = rd(der_in)
    _, s, e = hdr(der, 0)
    wr(pem_out, pem("PRIVATE KEY", der[:s] + b"\xff" * (e - s)).encode())

def modulus_mismatch(pkcs1_pem, pem_out):
    """Flip one byte in the middle of the modulus n of an RSA PKCS#1 key; nothing else."""
    der = unpem(open(pkcs1_pem).read())
    _, s, _ = hdr(der, 0)
    _, vs, ve = hdr(der, s)        # version
    _, ns, ne = hdr(der, ve)       # modulus
    k = (ns + ne) // 2
    b = bytearray(der)
    b[k] ^= 0x5A
    wr(pem_out, pem("RSA PRIVATE KEY", bytes(b)).encode())

def flip_last(der_in, pem_out, label):
    b = bytearray(rd(der_in))
    b[-1] ^= 0x01
    wr(pem_out, pem(label, bytes(b)).encode())

def to_ber(der_in, out):
    """Re-encode ContentInfo/SignedData (every constructed element down to the certificate set)
    with indefinite lengths; the certificates themselves stay DER."""
    def conv(tag, content, depth):
        if not (tag & 0x20) or depth >= 4:
            return tlv(tag, content)
        return bytes([tag, 0x80]) + b"".join(conv(t, c, depth + 1) for t, c in elems(content)) + b"\0\0"
    (t, c), = elems(rd(der_in))
    wr(out, conv(t, c, 0))

def pfx_mac_iter(der_in, out):
    """Set the MacData iteration count to 2^31-1; the MAC value is left as it was."""
    (_, pfx), = elems(rd(der_in))
    version, authsafe, (_, macdata) = elems(pfx)
    digestinfo, salt, _ = elems(macdata)
    macdata = seq([digestinfo, salt, (0x02, BIG)])
    wr(out, tlv(0x30, seq([version, authsafe, (0x30, macdata)])))

def pfx_keybag_iter(der_in, out, password):
    """Set the PBKDF2 iteration count of the shrouded key bag to 2^31-1 and recompute the MAC,
    so the file is consistent apart from the hostile count."""
    (_, pfx), = elems(rd(der_in))
    version, (_, ci), (_, macdata) = elems(pfx)
    ci_oid, (_, ci0) = elems(ci)
    (_, asafe), = elems(ci0)                        # OCTET STRING with the AuthenticatedSafe
    old_mac = elems(elems(macdata)[0][1])[1][1]
    assert pfx_mac(asafe, macdata, password) == old_mac, "MAC self-check failed"
    cis = elems(elems(asafe)[0][1])
    done = False
    for n, (t, c) in enumerate(cis):
        oid, (_, c0) = elems(c)
        if oid[1] != OID_DATA:
            continue
        (_, sc), = elems(c0)
        bags = elems(elems(sc)[0][1])
        for m, (bt, bc) in enumerate(bags):
            bparts = elems(bc)
            if bparts[0][1] != OID_SHROUDED:
                continue
            (_, epki), = elems(bparts[1][1])
            algid, encdata = elems(epki)
            pbes2_oid, (_, pbes2) = elems(algid[1])
            (_, kdf), encscheme = elems(pbes2)
            kdf_oid, (_, kdfp) = elems(kdf)
            kp = elems(kdfp)
            kp[1] = (0x02, BIG)
            kdf = seq([kdf_oid, (0x30, seq(kp))])
            pbes2 = seq([(0x30, kdf), encscheme])
            algid = (0x30, seq([pbes2_oid, (0x30, pbes2)]))
            epki = seq([algid, encdata])
            bparts[1] = (0xA0, tlv(0x30, epki))
            bags[m] = (0x30, seq(bparts))
            done = True
        sc = tlv(0x30, seq(bags))
        cis[n] = (0x30, seq([oid, (0xA0, tlv(0x04, sc))]))
    assert done, "no shrouded key bag found"
    asafe = tlv(0x30, seq(cis))
    ci = seq([ci_oid, (0xA0, tlv(0x04, asafe))])
    macdata = set_mac(macdata, pfx_mac(asafe, macdata, password))
    wr(out, tlv(0x30, seq([version, (0x30, ci), (0x30, macdata)])))

def broken(leaf_pem, leaf_der, int_pem, d):
    text = open(leaf_pem).read()
    raw = text.encode()
    wr(d + "/leaf-utf16le-bom.pem", b"\xff\xfe" + text.encode("utf-16-le"))
    wr(d + "/leaf-utf16le-nobom.pem", text.encode("utf-16-le"))
    wr(d + "/leaf-utf8-bom.pem", b"\xef\xbb\xbf" + raw)
    wr(d + "/leaf-crlf.pem", raw.replace(b"\n", b"\r\n"))
    wr(d + "/glued-blocks.pem", raw.rstrip(b"\n") + open(int_pem, "rb").read())
    wr(d + "/trailing-garbage.pem", raw + b"Sent from my phone\r\n\x00\x01\x02\xff\xfe garbage")
    lines = text.splitlines(keepends=True)
    mid = len(lines) // 2
    wr(d + "/truncated.pem", ("".join(lines[:mid]) + lines[mid][:30]).encode())
    der = rd(leaf_der)
    wr(d + "/truncated.der", der[: len(der) // 2])
    l5 = list(lines[4])
    l5[10] = "*"
    lines5 = lines[:4] + ["".join(l5)] + lines[5:]
    wr(d + "/bad-base64-line5.pem", "".join(lines5).encode())
    wr(d + "/wrong-label.pem", pem("PRIVATE KEY", der).encode())
    wr(d + "/html-error-page.crt", b"""<!DOCTYPE html>
<html>
<head><title>404 Not Found</title></head>
<body>
<h1>Not Found</h1>
<p>The requested URL /download/www.example.test.crt was not found on this server.</p>
<hr><address>Apache Server at pki.example.test Port 443</address>
</body>
</html>
""")
    wr(d + "/empty.crt", b"")

def armour(der_in, out, label):
    wr(out, pem(label, rd(der_in)).encode())

if __name__ == "__main__":
    f = globals()[sys.argv[1].replace("-", "_")]
    f(*sys.argv[2:])
EOF
py() { q python3 "$PY" "$@"; }

# ---------------------------------------------------------------------------------------------
# Helpers: keys, requests, signing with fixed dates.
# ---------------------------------------------------------------------------------------------
rsa_key() { q openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${2:-2048}" -out "$1"; }
ec_key() { q openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$2" -pkeyopt ec_param_enc:named_curve -out "$1"; }
csr() { # key subject out [extra req args...]
    local key="$1" subj="$2" out="$3"
    shift 3
    q openssl req -new -config "$CNF" -key "$key" -subj "$subj" -out "$out" "$@"
}
newca() { mkdir -p "$WORK/db-$1/new"; : >"$WORK/db-$1/index.txt"; }
# sign CA-NAME CA-CERT CA-KEY CSR OUT EXT START END [extra ca args...]
sign() {
    local ca="$1" cacert="$2" cakey="$3" in="$4" out="$5" ext="$6" start="$7" end="$8"
    shift 8
    CA_DIR="$WORK/db-$ca" q openssl ca -batch -config "$CNF" -cert "$cacert" -keyfile "$cakey" \
        -in "$in" -out "$out" -extensions "$ext" -startdate "$start" -enddate "$end" \
        -notext -rand_serial -preserveDN "$@"
}
# selfsign CA-NAME KEY CSR OUT EXT START END [extra ca args...]
selfsign() {
    local ca="$1" key="$2" in="$3" out="$4" ext="$5" start="$6" end="$7"
    shift 7
    CA_DIR="$WORK/db-$ca" q openssl ca -batch -config "$CNF" -selfsign -keyfile "$key" \
        -in "$in" -out "$out" -extensions "$ext" -startdate "$start" -enddate "$end" \
        -notext -rand_serial -preserveDN "$@"
}

D0=20250101000000Z   # normal validity
D1=20350101000000Z
W="$WORK"
P="$FX/pki"
K="$FX/keys"
O="/C=US/O=certdoctor Test"

# ---------------------------------------------------------------------------------------------
# RSA hierarchy
# ---------------------------------------------------------------------------------------------
for ca in root issuing lookalike ov expired ecroot ecint otherroot otherint leafself; do newca "$ca"; done

rsa_key "$W/root.key"
csr "$W/root.key" "$O/CN=certdoctor Test Root CA" "$W/root.csr"
selfsign root "$W/root.key" "$W/root.csr" "$P/root-ca.pem" ext_root "$D0" "$D1"

rsa_key "$W/issuing.key"
csr "$W/issuing.key" "$O/CN=certdoctor Test Issuing CA RSA" "$W/issuing.csr"
sign root "$P/root-ca.pem" "$W/root.key" "$W/issuing.csr" "$P/issuing-ca-rsa.pem" ext_int "$D0" "$D1"

rsa_key "$W/lookalike.key"
csr "$W/lookalike.key" "$O/CN=certdoctor Test Issuing CA RSA" "$W/lookalike.csr"
sign root "$P/root-ca.pem" "$W/root.key" "$W/lookalike.csr" "$P/issuing-ca-rsa-lookalike.pem" ext_int "$D0" "$D1"

rsa_key "$W/ov.key"
csr "$W/ov.key" "$O/CN=certdoctor Test OV Issuing CA" "$W/ov.csr"
sign root "$P/root-ca.pem" "$W/root.key" "$W/ov.csr" "$P/issuing-ca-ov.pem" ext_int "$D0" "$D1"

rsa_key "$W/expired.key"
csr "$W/expired.key" "$O/CN=certdoctor Test Issuing CA 2019" "$W/expired.csr"
sign root "$P/root-ca.pem" "$W/root.key" "$W/expired.csr" "$P/issuing-ca-expired.pem" ext_int \
    20190101000000Z 20220101000000Z

# ---------------------------------------------------------------------------------------------
# Leaf keys, CSRs and leaves
# ---------------------------------------------------------------------------------------------
LEAFKEY="$K/leaf-rsa.pkcs8.pem"
SAN="subjectAltName=DNS:www.example.test,DNS:example.test,DNS:*.api.example.test,IP:192.0.2.10"
LEAFSUBJ="$O/CN=www.example.test"
rsa_key "$LEAFKEY"
csr "$LEAFKEY" "$LEAFSUBJ" "$FX/csr/leaf-rsa.csr.pem" -addext "$SAN"
q openssl req -in "$FX/csr/leaf-rsa.csr.pem" -outform DER -out "$FX/csr/leaf-rsa.csr.der"
LCSR="$FX/csr/leaf-rsa.csr.pem"
ISS=(issuing "$P/issuing-ca-rsa.pem" "$W/issuing.key")

sign "${ISS[@]}" "$LCSR" "$P/leaf-rsa.pem" ext_leaf "$D0" "$D1"
q openssl x509 -in "$P/leaf-rsa.pem" -outform DER -out "$P/leaf-rsa.der"
sign "${ISS[@]}" "$LCSR" "$P/leaf-expired.pem" ext_leaf 20200101000000Z 20210101000000Z
sign "${ISS[@]}" "$LCSR" "$P/leaf-not-yet-valid.pem" ext_leaf 20300101000000Z 20310101000000Z
sign "${ISS[@]}" "$LCSR" "$P/leaf-sha1.pem" ext_leaf "$D0" "$D1" -md sha1
sign "${ISS[@]}" "$LCSR" "$P/leaf-clientauth-only.pem" ext_leaf_clientauth "$D0" "$D1"
sign "${ISS[@]}" "$LCSR" "$P/leaf-unknown-critical-ext.pem" ext_leaf_unknown_crit "$D0" "$D1"
sign "${ISS[@]}" "$LCSR" "$P/leaf-rsa-pss.pem" ext_leaf "$D0" "$D1" \
    -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -sigopt rsa_mgf1_md:sha256
sign expired "$P/issuing-ca-expired.pem" "$W/expired.key" "$LCSR" "$P/leaf-under-expired-ca.pem" \
    ext_leaf_plain 20210101000000Z 20310101000000Z
selfsign leafself "$LEAFKEY" "$LCSR" "$P/leaf-selfsigned.pem" ext_selfsigned "$D0" "$D1"

# RSA-1024 leaf (its own key)
rsa_key "$K/leaf-rsa1024.pkcs8.pem" 1024
csr "$K/leaf-rsa1024.pkcs8.pem" "$LEAFSUBJ" "$W/rsa1024.csr"
sign "${ISS[@]}" "$W/rsa1024.csr" "$P/leaf-rsa1024.pem" ext_leaf "$D0" "$D1"

# code signing (its own key)
rsa_key "$K/codesign-rsa.pkcs8.pem"
csr "$K/codesign-rsa.pkcs8.pem" "$O/CN=certdoctor Test Code Signing" "$W/codesign.csr"
sign "${ISS[@]}" "$W/codesign.csr" "$P/leaf-codesign.pem" ext_codesign "$D0" "$D1"

# duplicated subjectAltName: openssl ca merges duplicates, so edit the TBS and re-sign it
# with the issuing CA key (sha256WithRSAEncryption, PKCS#1 v1.5): the signature is valid.
q openssl x509 -in "$P/leaf-rsa.pem" -outform DER -out "$W/leaf.der"
py dup-ext-tbs "$W/leaf.der" "$W/dup.tbs"
q openssl dgst -sha256 -sign "$W/issuing.key" -out "$W/dup.sig" "$W/dup.tbs"
py assemble-cert "$W/leaf.der" "$W/dup.tbs" "$W/dup.sig" "$W/dup.der"
q openssl x509 -inform DER -in "$W/dup.der" -out "$P/leaf-duplicate-ext.pem"

# ---------------------------------------------------------------------------------------------
# EC hierarchy: P-384 root, P-256 intermediate, P-256 leaf
# ---------------------------------------------------------------------------------------------
ec_key "$W/ecroot.key" secp384r1
csr "$W/ecroot.key" "$O/CN=certdoctor Test Root CA ECC" "$W/ecroot.csr"
selfsign ecroot "$W/ecroot.key" "$W/ecroot.csr" "$P/ec-root-ca.pem" ext_root "$D0" "$D1" -md sha384
ec_key "$W/ecint.key" prime256v1
csr "$W/ecint.key" "$O/CN=certdoctor Test Issuing CA ECC" "$W/ecint.csr"
sign ecroot "$P/ec-root-ca.pem" "$W/ecroot.key" "$W/ecint.csr" "$P/ec-issuing-ca.pem" ext_int_ec \
    "$D0" "$D1" -md sha384
ec_key "$K/leaf-ec.pkcs8.pem" prime256v1
q openssl pkey -in "$K/leaf-ec.pkcs8.pem" -traditional -out "$K/leaf-ec.sec1.pem"
csr "$K/leaf-ec.pkcs8.pem" "$LEAFSUBJ" "$W/ecleaf.csr"
sign ecint "$P/ec-issuing-ca.pem" "$W/ecint.key" "$W/ecleaf.csr" "$P/leaf-ec.pem" ext_leaf_ec "$D0" "$D1"

# ---------------------------------------------------------------------------------------------
# Another hierarchy, not trusted by the tests ("certdoctor Other Root")
# ---------------------------------------------------------------------------------------------
rsa_key "$W/otherroot.key"
csr "$W/otherroot.key" "/C=US/O=certdoctor Other/CN=certdoctor Other Root" "$W/otherroot.csr"
selfsign otherroot "$W/otherroot.key" "$W/otherroot.csr" "$P/other-root-ca.pem" ext_root "$D0" "$D1"
rsa_key "$W/otherint.key"
csr "$W/otherint.key" "/C=US/O=certdoctor Other/CN=certdoctor Other Issuing CA" "$W/otherint.csr"
sign otherroot "$P/other-root-ca.pem" "$W/otherroot.key" "$W/otherint.csr" "$P/other-issuing-ca.pem" \
    ext_int "$D0" "$D1"
sign otherint "$P/other-issuing-ca.pem" "$W/otherint.key" "$LCSR" "$P/leaf-other-root.pem" \
    ext_leaf_plain "$D0" "$D1"

# ---------------------------------------------------------------------------------------------
# Keys of leaf-rsa in every format, and the odd ones
# ---------------------------------------------------------------------------------------------
q openssl pkey -in "$LEAFKEY" -traditional -out "$K/leaf-rsa.pkcs1.pem"
q openssl pkcs8 -topk8 -nocrypt -in "$LEAFKEY" -outform DER -out "$K/leaf-rsa.pkcs8.der"
q openssl pkcs8 -topk8 -in "$LEAFKEY" -v2 aes-256-cbc -v2prf hmacWithSHA256 \
    -passout "pass:$PW" -out "$K/leaf-rsa.pkcs8-enc-aes256.pem"
q openssl pkcs8 -topk8 -in "$LEAFKEY" -v1 PBE-SHA1-3DES -passout "pass:$PW" \
    -out "$K/leaf-rsa.pkcs8-enc-sha1-3des.pem"
q openssl rsa -in "$LEAFKEY" -traditional -aes128 -passout "pass:$PW" -out "$K/leaf-rsa.pkcs1-enc-aes128.pem"
q openssl rsa -in "$LEAFKEY" -traditional -aes256 -passout "pass:$PW" -out "$K/leaf-rsa.pkcs1-enc-aes256.pem"
q openssl rsa -in "$LEAFKEY" -traditional -des3 -passout "pass:$PW" -out "$K/leaf-rsa.pkcs1-enc-des3.pem"
rsa_key "$K/other-rsa.pkcs8.pem"
py corrupt-body "$K/leaf-rsa.pkcs8.der" "$K/corrupt-body.pkcs8.pem"
py modulus-mismatch "$K/leaf-rsa.pkcs1.pem" "$K/rsa-modulus-mismatch.pkcs1.pem"

# ---------------------------------------------------------------------------------------------
# CSRs
# ---------------------------------------------------------------------------------------------
csr "$K/other-rsa.pkcs8.pem" "$O/CN=other.example.test" "$FX/csr/other-rsa.csr.pem" \
    -addext "subjectAltName=DNS:other.example.test"
py flip-last "$FX/csr/leaf-rsa.csr.der" "$FX/csr/leaf-rsa-bad-signature.csr.pem" "CERTIFICATE REQUEST"

# ---------------------------------------------------------------------------------------------
# Chains (PEM)
# ---------------------------------------------------------------------------------------------
C="$FX/chain"
LEAF="$P/leaf-rsa.pem"
INT="$P/issuing-ca-rsa.pem"
cat "$LEAF" "$INT" >"$C/fullchain.pem"
cat "$INT" "$LEAF" >"$C/reversed.pem"
cat "$LEAF" >"$C/leaf-only.pem"
cat "$LEAF" "$INT" "$P/root-ca.pem" >"$C/fullchain-with-root.pem"
cat "$LEAF" "$LEAFKEY" "$INT" >"$C/leaf-key-intermediate.pem"
cat "$LEAF" "$P/issuing-ca-rsa-lookalike.pem" >"$C/leaf-lookalike-intermediate.pem"
cat "$INT" >"$C/intermediate-only.pem"
cat "$P/leaf-ec.pem" "$P/ec-issuing-ca.pem" >"$C/ec-fullchain.pem"
cat "$P/leaf-other-root.pem" "$P/other-issuing-ca.pem" >"$C/other-root-fullchain.pem"
cat "$P/leaf-under-expired-ca.pem" "$P/issuing-ca-expired.pem" >"$C/expired-intermediate-fullchain.pem"

# ---------------------------------------------------------------------------------------------
# PKCS#7 certs-only
# ---------------------------------------------------------------------------------------------
q openssl crl2pkcs7 -nocrl -certfile "$C/fullchain.pem" -outform DER -out "$FX/p7/leaf-int.p7b"
q openssl crl2pkcs7 -nocrl -certfile "$C/fullchain.pem" -out "$FX/p7/leaf-int.pem.p7b"
sed 's/PKCS7-----/CMS-----/' "$FX/p7/leaf-int.pem.p7b" >"$FX/p7/leaf-int-cms-label.pem"
py to-ber "$FX/p7/leaf-int.p7b" "$FX/p7/leaf-int-ber.p7b"

# ---------------------------------------------------------------------------------------------
# PKCS#12
# ---------------------------------------------------------------------------------------------
X="$FX/p12"
pfx() { # out [args...]
    local out="$1"
    shift
    q openssl pkcs12 -export -name www.example.test -out "$out" "$@"
}
LKI=(-inkey "$LEAFKEY" -in "$LEAF" -certfile "$INT")
pfx "$X/default.pfx" "${LKI[@]}" -passout "pass:$PW"
pfx "$X/legacy.pfx" "${LKI[@]}" -legacy -passout "pass:$PW"
pfx "$X/sha1-3des.pfx" "${LKI[@]}" -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1 -passout "pass:$PW"
pfx "$X/certs-only.pfx" -nokeys -in "$LEAF" -certfile "$INT" -passout "pass:$PW"
pfx "$X/key-only.pfx" -nocerts -inkey "$LEAFKEY" -passout "pass:$PW"
pfx "$X/key-and-ca-only.pfx" -nocerts -inkey "$LEAFKEY" -certfile "$INT" -passout "pass:$PW"
pfx "$X/empty-password.pfx" "${LKI[@]}" -passout "pass:"
pfx "$X/nomac.pfx" "${LKI[@]}" -nomac -passout "pass:$PW"
pfx "$X/unencrypted.pfx" "${LKI[@]}" -keypbe NONE -certpbe NONE -passout "pass:$PW"
pfx "$X/non-ascii-password.pfx" "${LKI[@]}" -passout "pass:$PW_UTF8"
pfx "$X/key-mismatch.pfx" -nocerts -inkey "$K/other-rsa.pkcs8.pem" -certfile "$C/fullchain.pem" -passout "pass:$PW"
q openssl base64 -in "$X/default.pfx" -out "$X/default.pfx.b64"
py armour "$X/default.pfx" "$X/default.pfx.pem" PKCS12
py pfx-mac-iter "$X/default.pfx" "$X/hostile-mac-iterations.pfx"
py pfx-keybag-iter "$X/default.pfx" "$X/hostile-keybag-iterations.pfx" "$PW"

# ---------------------------------------------------------------------------------------------
# Broken files
# ---------------------------------------------------------------------------------------------
py broken "$LEAF" "$P/leaf-rsa.der" "$INT" "$FX/broken"
q openssl rand -out "$FX/broken/random-4k.bin" 4096

# ---------------------------------------------------------------------------------------------
# Samples for the README demo
# ---------------------------------------------------------------------------------------------
cp "$X/default.pfx" "$SM/iis-failed-import/www.example.test.pfx"
cat "$INT" "$LEAF" >"$SM/nginx-broken/fullchain.pem"
cp "$LEAFKEY" "$SM/nginx-broken/privkey.pem"
cp "$P/root-ca.pem" "$SM/test-root.pem"

# ---------------------------------------------------------------------------------------------
# Sanity checks (fast): a few facts the README promises.
# ---------------------------------------------------------------------------------------------
AT=1767225600   # 2026-01-01T00:00:00Z
vok() { q openssl verify -attime "$AT" -CAfile "$P/root-ca.pem" -untrusted "$INT" "$@"; }
vok "$LEAF"
vok "$P/leaf-sha1.pem"
vok "$P/leaf-rsa-pss.pem"
# openssl rejects a certificate with duplicate extensions, so check that signature by hand
q openssl x509 -in "$INT" -pubkey -noout -out "$W/int.pub"
q openssl dgst -sha256 -verify "$W/int.pub" -signature "$W/dup.sig" "$W/dup.tbs"
q openssl verify -attime "$AT" -CAfile "$P/ec-root-ca.pem" -untrusted "$P/ec-issuing-ca.pem" "$P/leaf-ec.pem"
if openssl verify -attime "$AT" -CAfile "$P/root-ca.pem" -untrusted "$P/issuing-ca-rsa-lookalike.pem" \
    "$LEAF" >>"$LOG" 2>&1; then
    echo "make-fixtures: look-alike intermediate unexpectedly verifies the leaf" >&2
    exit 1
fi
q openssl pkcs12 -in "$X/hostile-keybag-iterations.pfx" -passin "pass:$PW" -nokeys -noout
q openssl pkcs12 -in "$X/non-ascii-password.pfx" -passin "pass:$PW_UTF8" -noout
q openssl pkcs7 -inform DER -in "$FX/p7/leaf-int-ber.p7b" -print_certs -noout
# (openssl 3.0 exits 0 here even when the check fails, so look at what it says)
CHECK="$(openssl rsa -in "$K/rsa-modulus-mismatch.pkcs1.pem" -check -noout 2>&1 || true)"
if [[ "$CHECK" != *"n does not equal p q"* ]]; then
    echo "make-fixtures: modulus-mismatch key passes rsa -check" >&2
    exit 1
fi

# ---------------------------------------------------------------------------------------------
# README (facts only; nothing random goes in here)
# ---------------------------------------------------------------------------------------------
cat >"$FX/README.md" <<'EOF'
# Test fixtures

Made by `scripts/make-fixtures.sh` (OpenSSL 3.0 CLI + python3). Regenerate with that script;
keys and serial numbers change on every run, every date below stays the same. Other sub-folders
of this directory belong to other areas and are made by their own scripts.

Passwords: `correct horse` for every encrypted key and PFX unless stated otherwise.
Distinguished names: every test subject starts `C=US, O=certdoctor Test` (the other hierarchy:
`C=US, O=certdoctor Other`). "leaf-rsa key" is `keys/leaf-rsa.pkcs8.pem` (RSA 2048).
"Normal validity" is 2025-01-01T00:00:00Z .. 2035-01-01T00:00:00Z. Tests pass an explicit `now`
(2026-01-01 is inside every normal validity period).

## pki/ (PEM certificates unless stated)
- `root-ca.pem` — test root "certdoctor Test Root CA" — self-signed; CA:TRUE (critical); KU keyCertSign+cRLSign; SKI, no AKI; RSA 2048; sha256WithRSAEncryption; normal validity.
- `issuing-ca-rsa.pem` — intermediate "certdoctor Test Issuing CA RSA" — issued by root-ca; CA:TRUE pathlen:0; KU digitalSignature+keyCertSign+cRLSign; EKU serverAuth+clientAuth; SKI+AKI; AIA caIssuers http://pki.example.test/root.crt; CRL DP http://crl.example.test/root.crl; RSA 2048; SHA-256; normal validity. Issued every leaf below unless stated.
- `issuing-ca-rsa-lookalike.pem` — wrong intermediate — SAME subject as issuing-ca-rsa, different key (so different SKI), issued by root-ca, same extensions; did NOT sign any leaf.
- `issuing-ca-ov.pem` — intermediate "certdoctor Test OV Issuing CA" of another product line — issued by root-ca; did NOT sign any leaf.
- `issuing-ca-expired.pem` — intermediate "certdoctor Test Issuing CA 2019" — issued by root-ca; valid 2019-01-01..2022-01-01 (expired); signed only leaf-under-expired-ca.
- `leaf-rsa.pem` / `leaf-rsa.der` — the main server certificate (same certificate, PEM and DER) — subject CN=www.example.test; SAN DNS:www.example.test, DNS:example.test, DNS:*.api.example.test, IP:192.0.2.10; KU digitalSignature+keyEncipherment (critical); EKU serverAuth+clientAuth; CA:FALSE (critical); SKI; AKI = SKI of issuing-ca-rsa; AIA caIssuers http://pki.example.test/issuing.crt and OCSP http://ocsp.example.test; CRL DP http://crl.example.test/issuing.crl; certificatePolicies 2.23.140.1.2.2; sha256WithRSAEncryption; leaf-rsa key; normal validity. Issued from `csr/leaf-rsa.csr.pem`.
- `leaf-expired.pem` — as leaf-rsa but valid 2020-01-01..2021-01-01 (expired); leaf-rsa key.
- `leaf-not-yet-valid.pem` — as leaf-rsa but valid 2030-01-01..2031-01-01; leaf-rsa key.
- `leaf-sha1.pem` — as leaf-rsa but signed sha1WithRSAEncryption; leaf-rsa key.
- `leaf-rsa1024.pem` — as leaf-rsa but the subject key is RSA 1024 (`keys/leaf-rsa1024.pkcs8.pem`).
- `leaf-clientauth-only.pem` — as leaf-rsa but EKU clientAuth only (no serverAuth), no certificatePolicies; leaf-rsa key.
- `leaf-codesign.pem` — code-signing certificate CN=certdoctor Test Code Signing — EKU codeSigning; KU digitalSignature; no SAN; CA:FALSE; key `keys/codesign-rsa.pkcs8.pem` (RSA 2048); normal validity.
- `leaf-unknown-critical-ext.pem` — as leaf-rsa (no certificatePolicies) plus extension 1.3.6.1.4.1.55555.1, critical, value ASN.1 NULL; leaf-rsa key.
- `leaf-rsa-pss.pem` — as leaf-rsa but signed RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32); leaf-rsa key.
- `leaf-under-expired-ca.pem` — CN=www.example.test, same SANs/KU/EKU as leaf-rsa, no AIA/CRL DP — issued by issuing-ca-expired; the leaf itself is valid 2021-01-01..2031-01-01; leaf-rsa key.
- `leaf-duplicate-ext.pem` — leaf-rsa with its subjectAltName extension present TWICE (identical copies, one after the other); the TBS was edited with python3 and RE-SIGNED by issuing-ca-rsa, so its signature IS valid; serial and everything else equal leaf-rsa.
- `leaf-selfsigned.pem` — self-signed leaf (issuer = subject = C=US, O=certdoctor Test, CN=www.example.test, the same DN as leaf-rsa) — CA:FALSE; SAN DNS:www.example.test, DNS:example.test; EKU serverAuth; SKI, no AKI; leaf-rsa key; normal validity.
- `ec-root-ca.pem` — "certdoctor Test Root CA ECC" — self-signed; EC P-384; ecdsa-with-SHA384; CA:TRUE; normal validity.
- `ec-issuing-ca.pem` — "certdoctor Test Issuing CA ECC" — issued by ec-root-ca (ecdsa-with-SHA384); EC P-256; CA:TRUE pathlen:0; SKI+AKI.
- `leaf-ec.pem` — EC leaf CN=www.example.test — issued by ec-issuing-ca (ecdsa-with-SHA256); EC P-256 key `keys/leaf-ec.*`; SANs as leaf-rsa; KU digitalSignature; EKU serverAuth+clientAuth; normal validity.
- `other-root-ca.pem` — "certdoctor Other Root" — self-signed RSA 2048; NOT the test root (untrusted in tests).
- `other-issuing-ca.pem` — "certdoctor Other Issuing CA" — issued by other-root-ca.
- `leaf-other-root.pem` — CN=www.example.test, SANs as leaf-rsa — issued by other-issuing-ca (chain ends in other-root-ca); leaf-rsa key; normal validity.

## keys/
- `leaf-rsa.pkcs8.pem` — key of leaf-rsa — PKCS#8 PEM (`BEGIN PRIVATE KEY`); unencrypted; RSA 2048.
- `leaf-rsa.pkcs1.pem` — key of leaf-rsa — PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`); unencrypted; RSA 2048.
- `leaf-rsa.pkcs8.der` — key of leaf-rsa — PKCS#8 DER; unencrypted.
- `leaf-rsa.pkcs8-enc-aes256.pem` — key of leaf-rsa — encrypted PKCS#8 (`BEGIN ENCRYPTED PRIVATE KEY`); PBES2, PBKDF2 hmacWithSHA256, 2048 iterations, AES-256-CBC; password `correct horse`.
- `leaf-rsa.pkcs8-enc-sha1-3des.pem` — key of leaf-rsa — encrypted PKCS#8; pbeWithSHAAnd3-KeyTripleDES-CBC (PKCS#12 PBE OID 1.2.840.113549.1.12.1.3), 2048 iterations; password `correct horse`.
- `leaf-rsa.pkcs1-enc-aes128.pem` — key of leaf-rsa — traditional PKCS#1 PEM, `Proc-Type: 4,ENCRYPTED`, `DEK-Info: AES-128-CBC,<iv>`; password `correct horse`.
- `leaf-rsa.pkcs1-enc-aes256.pem` — as above with `DEK-Info: AES-256-CBC`.
- `leaf-rsa.pkcs1-enc-des3.pem` — as above with `DEK-Info: DES-EDE3-CBC`.
- `leaf-rsa1024.pkcs8.pem` — key of leaf-rsa1024 — PKCS#8 PEM; unencrypted; RSA 1024.
- `codesign-rsa.pkcs8.pem` — key of leaf-codesign — PKCS#8 PEM; unencrypted; RSA 2048.
- `leaf-ec.sec1.pem` — key of leaf-ec — SEC1 PEM (`BEGIN EC PRIVATE KEY`), named curve P-256, public key included; unencrypted.
- `leaf-ec.pkcs8.pem` — key of leaf-ec — PKCS#8 PEM; unencrypted; EC P-256.
- `other-rsa.pkcs8.pem` — unrelated RSA 2048 key — PKCS#8 PEM; unencrypted; matches no certificate (only `csr/other-rsa.csr.pem` and `p12/key-mismatch.pfx`).
- `corrupt-body.pkcs8.pem` — `BEGIN PRIVATE KEY` with valid base64 but bad DER: the outer SEQUENCE header of leaf-rsa.pkcs8.der is kept, every byte inside it is 0xFF.
- `rsa-modulus-mismatch.pkcs1.pem` — PKCS#1 PEM made from leaf-rsa.pkcs1.pem with ONE byte in the middle of the modulus n XORed with 0x5A; nothing else changed, so n no longer equals p·q and n does not match leaf-rsa (the private part still does); `openssl rsa -check` fails.

## csr/
- `leaf-rsa.csr.pem` / `leaf-rsa.csr.der` — CSR of the leaf-rsa key (same request, PEM and DER) — subject C=US, O=certdoctor Test, CN=www.example.test; extensionRequest subjectAltName DNS:www.example.test, DNS:example.test, DNS:*.api.example.test, IP:192.0.2.10; sha256WithRSAEncryption; valid signature.
- `other-rsa.csr.pem` — CSR of other-rsa key — CN=other.example.test; SAN DNS:other.example.test; valid signature.
- `leaf-rsa-bad-signature.csr.pem` — leaf-rsa.csr.der with the last byte of the signature XORed with 0x01 — signature INVALID; everything else identical.

## chain/ (PEM, in the order listed)
- `fullchain.pem` — leaf-rsa, issuing-ca-rsa — correct.
- `reversed.pem` — issuing-ca-rsa, leaf-rsa — reversed order.
- `leaf-only.pem` — leaf-rsa alone — intermediate missing.
- `fullchain-with-root.pem` — leaf-rsa, issuing-ca-rsa, root-ca — root included needlessly.
- `leaf-key-intermediate.pem` — leaf-rsa, leaf-rsa key (PKCS#8 PEM), issuing-ca-rsa — key mixed into the certificate file.
- `leaf-lookalike-intermediate.pem` — leaf-rsa, issuing-ca-rsa-lookalike — wrong intermediate with the right name (leaf AKI ≠ its SKI, signature does not verify).
- `intermediate-only.pem` — issuing-ca-rsa alone — CA certificate offered as the server certificate.
- `ec-fullchain.pem` — leaf-ec, ec-issuing-ca — correct EC chain (trust anchor ec-root-ca).
- `other-root-fullchain.pem` — leaf-other-root, other-issuing-ca — complete chain to an untrusted root.
- `expired-intermediate-fullchain.pem` — leaf-under-expired-ca, issuing-ca-expired — chain with an expired intermediate.

## p7/ (certs-only SignedData holding leaf-rsa and issuing-ca-rsa; no CRLs, no signers)
- `leaf-int.p7b` — DER.
- `leaf-int.pem.p7b` — PEM, label `-----BEGIN PKCS7-----`.
- `leaf-int-cms-label.pem` — same bytes, label `-----BEGIN CMS-----`.
- `leaf-int-ber.p7b` — BER: leaf-int.p7b re-encoded by python3 so that ContentInfo, the `[0]` content, SignedData, its digestAlgorithms SET, encapContentInfo, the `[0]` certificates and the signerInfos SET use indefinite length (`80` … `00 00`); the two certificates inside stay DER. openssl reads it.

## p12/ (leaf-rsa + leaf-rsa key + issuing-ca-rsa, friendlyName `www.example.test`, password `correct horse`, unless stated)
- `default.pfx` — OpenSSL 3 defaults — key bag and cert bags PBES2 (PBKDF2 hmacWithSHA256, 2048 iterations, AES-256-CBC); MAC HMAC-SHA256, 2048 iterations. Windows Server 2016 / Windows 10 before 1709 cannot import it.
- `legacy.pfx` — `-legacy` — certificates pbeWithSHAAnd40BitRC2-CBC; key pbeWithSHAAnd3-KeyTripleDES-CBC; MAC HMAC-SHA1; 2048 iterations.
- `sha1-3des.pfx` — `-keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1` — key and certificates 3DES; MAC SHA-1 (the widely compatible form).
- `certs-only.pfx` — `-nokeys` — leaf-rsa and issuing-ca-rsa, no key.
- `key-only.pfx` — `-nocerts` — the leaf-rsa key only, no certificate.
- `key-and-ca-only.pfx` — leaf-rsa key + issuing-ca-rsa only (no leaf certificate); key bag has friendlyName, no localKeyID.
- `empty-password.pfx` — password is the empty string (OpenSSL encodes it as BMPString `00 00` for the MAC; PBES2 uses zero bytes).
- `nomac.pfx` — `-nomac` — no MacData; bags encrypted as default.pfx.
- `unencrypted.pfx` — `-keypbe NONE -certpbe NONE` — key in a plain keyBag, certificates in plain data; MAC present (HMAC-SHA256, password `correct horse`).
- `non-ascii-password.pfx` — as default.pfx, password `pässwörd€` (given to openssl as UTF-8 bytes: PBES2 uses the UTF-8 bytes, the MAC uses BMPString).
- `default.pfx.b64` — default.pfx as base64 text (64-character lines, no header).
- `default.pfx.pem` — default.pfx in `-----BEGIN PKCS12-----` armour.
- `hostile-mac-iterations.pfx` — default.pfx with the MacData iteration count patched to 2147483647 (lengths fixed up); the MAC value is still the one computed with 2048 iterations, so it would not verify even after the 2^31 rounds. Must be refused on the count.
- `hostile-keybag-iterations.pfx` — default.pfx with the key bag's PBKDF2 iterationCount patched to 2147483647; the certificate bag (2048) is unchanged and the MAC was RECOMPUTED, so the MAC verifies with `correct horse`. Must be refused on the count before decrypting the key.
- `key-mismatch.pfx` — other-rsa key + leaf-rsa + issuing-ca-rsa: the key does NOT match the certificate (made with `-nocerts -certfile`, so the bags carry no localKeyID; the key bag has friendlyName).

## broken/ (all made from pki/leaf-rsa.pem / .der)
- `leaf-utf16le-bom.pem` — the PEM text in UTF-16LE with BOM `FF FE`.
- `leaf-utf16le-nobom.pem` — the PEM text in UTF-16LE, no BOM.
- `leaf-utf8-bom.pem` — the PEM with a UTF-8 BOM `EF BB BF` in front.
- `leaf-crlf.pem` — the PEM with CRLF line endings (valid; most parsers accept it).
- `glued-blocks.pem` — leaf-rsa then issuing-ca-rsa with no newline between: `-----END CERTIFICATE----------BEGIN CERTIFICATE-----`.
- `trailing-garbage.pem` — the PEM followed by `Sent from my phone\r\n` and the bytes `00 01 02 FF FE` + ` garbage`.
- `truncated.pem` — the BEGIN line and the first half of the base64 lines, then 30 characters of the next line; no END line.
- `truncated.der` — the first half of leaf-rsa.der.
- `bad-base64-line5.pem` — the PEM with `*` at column 11 of line 5 (line 1 is the BEGIN line).
- `wrong-label.pem` — leaf-rsa certificate bytes inside `-----BEGIN PRIVATE KEY-----` / `-----END PRIVATE KEY-----`.
- `html-error-page.crt` — an HTML "404 Not Found" page saved as a certificate.
- `empty.crt` — zero bytes.
- `random-4k.bin` — 4096 random bytes.

## samples/ (outside this folder: /samples)
- `samples/iis-failed-import/www.example.test.pfx` — copy of p12/default.pfx (AES-256 + SHA-256 MAC; Windows Server 2016 rejects it); password `correct horse`.
- `samples/nginx-broken/fullchain.pem` — issuing-ca-rsa FIRST, then leaf-rsa; `privkey.pem` — leaf-rsa key (PKCS#8, correct key): nginx reports "key values mismatch" because it compares the key with the first certificate.
- `samples/test-root.pem` — copy of pki/root-ca.pem (for `--trust`).
EOF

# openssl writes keys and PFX files as 0600; these are test data, keep them readable.
chmod -R a+rX "$FX"/{pki,keys,csr,chain,p7,p12,broken} "$SM/iis-failed-import" "$SM/nginx-broken" \
    "$SM/test-root.pem" "$FX/README.md"
