#!/usr/bin/env bash
# Makes the PKCS#12 test inputs that OpenSSL 3.0 cannot make on its own, into
# tests/fixtures/p12-extra/, and copies the third-party PKCS#12 exports (Windows, macOS,
# Firefox) from the `pkcs12` crate's test suite into tests/fixtures/p12-external/.
#
# Needs: openssl 3.x CLI with the legacy provider, python3 (standard library only), and the
# pkcs12 crate source in the cargo registry (any `cargo fetch` of certdoctor puts it there).
# Run after scripts/make-fixtures.sh: it uses pki/leaf-rsa.pem, pki/issuing-ca-rsa.pem and
# keys/leaf-rsa.pkcs8.pem. Password: `correct horse` unless stated in the README written below.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FX="$ROOT/tests/fixtures"
OUT="$FX/p12-extra"
EXT="$FX/p12-external"
CERT="$FX/pki/leaf-rsa.pem"
CA="$FX/pki/issuing-ca-rsa.pem"
KEY="$FX/keys/leaf-rsa.pkcs8.pem"
PW="correct horse"
mkdir -p "$OUT" "$EXT"

export_p12() { # out, password, extra openssl args...
  local out="$1" pass="$2"; shift 2
  openssl pkcs12 -export -in "$CERT" -inkey "$KEY" -certfile "$CA" -name www.example.test \
    -passout "pass:$pass" -out "$out" "$@"
}

# 1. RC2-128 certificates + two-key 3DES key (both PKCS#12 PBE schemes OpenSSL rarely writes).
export_p12 "$OUT/rc2-128-2des.pfx" "$PW" -legacy -certpbe PBE-SHA1-RC2-128 -keypbe PBE-SHA1-2DES -macalg sha1

# 2. RC4 (recognised, not supported).
export_p12 "$OUT/rc4.pfx" "$PW" -legacy -certpbe PBE-SHA1-RC4-128 -keypbe PBE-SHA1-RC4-40 -macalg sha1

# 3. Non-ASCII password written the way OpenSSL before 1.1.0 did: every byte of the UTF-8
#    password widened to 16 bits. Giving OpenSSL 3 the Latin-1 reading of those bytes, re-encoded
#    as UTF-8, makes its UTF-8 -> UTF-16 step produce exactly that widening. Only PKCS#12 PBE
#    (3DES) is used, so every part of the file uses the widened form, as an old export would.
MOJIBAKE="$(python3 -c 'import sys; sys.stdout.write("pässwörd€".encode("utf-8").decode("latin-1"))')"
export_p12 "$OUT/non-ascii-pre110.pfx" "$MOJIBAKE" -legacy -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1

# 4-6. Files whose MAC or structure python3 rewrites.
export_p12 "$OUT/.empty-base.pfx" "" -legacy -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1
export_p12 "$OUT/.pbmac1-base.pfx" "$PW"
python3 - "$OUT" "$CERT" <<'PY'
import base64, hashlib, hmac, sys

out, cert_pem = sys.argv[1], sys.argv[2]

def tlv(tag, body):
    n = len(body)
    if n < 0x80:
        head = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        head = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + head + body

def read(buf, off):
    """(tag, start of value, end of value) of the DER element at off."""
    tag, first = buf[off], buf[off + 1]
    if first < 0x80:
        return tag, off + 2, off + 2 + first
    k = first & 0x7F
    n = int.from_bytes(buf[off + 2:off + 2 + k], "big")
    return tag, off + 2 + k, off + 2 + k + n

def children(buf, start, end):
    out, off = [], start
    while off < end:
        t, s, e = read(buf, off)
        out.append((t, off, s, e))
        off = e
    return out

def oid(dotted):
    parts = [int(p) for p in dotted.split(".")]
    body = bytes([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        enc = [p & 0x7F]
        p >>= 7
        while p:
            enc.append(0x80 | (p & 0x7F))
            p >>= 7
        body += bytes(reversed(enc))
    return tlv(0x06, body)

def integer(n):
    return tlv(0x02, n.to_bytes(max(1, (n.bit_length() + 8) // 8), "big"))

def seq(*items):
    return tlv(0x30, b"".join(items))

def p12_kdf(name, password, salt, ident, iters, n):
    """RFC 7292 Appendix B.2, written independently of the Rust code under test."""
    u = hashlib.new(name).digest_size
    v = hashlib.new(name).block_size
    def stretch(s):
        if not s:
            return b""
        length = v * ((len(s) + v - 1) // v)
        return (s * (length // len(s) + 1))[:length]
    i = bytearray(stretch(salt) + stretch(password))
    out = b""
    while True:
        a = hashlib.new(name, bytes([ident]) * v + bytes(i)).digest()
        for _ in range(1, iters):
            a = hashlib.new(name, a).digest()
        out += a
        if len(out) >= n:
            return out[:n]
        b = int.from_bytes((a * (v // u + 1))[:v], "big")
        for j in range(0, len(i), v):
            x = (int.from_bytes(i[j:j + v], "big") + b + 1) % (1 << (8 * v))
            i[j:j + v] = x.to_bytes(v, "big")

def pfx_parts(pfx):
    _, s, e = read(pfx, 0)
    version, auth, mac = children(pfx, s, e)
    # authSafe ContentInfo: SEQUENCE { OID data, [0] { OCTET STRING content } }
    oid_el, explicit = children(pfx, auth[2], auth[3])
    _, octet_off, os_s, os_e = children(pfx, explicit[2], explicit[3])[0]
    return version, auth, mac, pfx[os_s:os_e]

# 4. Empty password with the MAC computed over a zero-length password (no 00 00 terminator),
#    as Windows does for an empty password; the bags keep OpenSSL's 00 00 form.
pfx = bytearray(open(f"{out}/.empty-base.pfx", "rb").read())
version, auth, mac, data = pfx_parts(pfx)
digest_info, salt_el, iter_el = children(pfx, mac[2], mac[3])
alg, digest_el = children(pfx, digest_info[2], digest_info[3])
salt = bytes(pfx[salt_el[2]:salt_el[3]])
iters = int.from_bytes(pfx[iter_el[2]:iter_el[3]], "big")
key = p12_kdf("sha1", b"", salt, 3, iters, 20)
pfx[digest_el[2]:digest_el[3]] = hmac.new(key, data, "sha1").digest()
open(f"{out}/empty-password-no-terminator-mac.pfx", "wb").write(pfx)

# 5. PBMAC1 (RFC 9579): PBKDF2-HMAC-SHA256 (UTF-8 password, 2048 iterations, 32-byte key) and
#    HMAC-SHA256; a correct MAC, so a PBMAC1-capable tool verifies it with `correct horse`.
pfx = open(f"{out}/.pbmac1-base.pfx", "rb").read()
version, auth, mac, data = pfx_parts(pfx)
salt = bytes(range(1, 17))
mac_key = hashlib.pbkdf2_hmac("sha256", b"correct horse", salt, 2048, 32)
value = hmac.new(mac_key, data, "sha256").digest()
hmac_sha256 = seq(oid("1.2.840.113549.2.9"), tlv(0x05, b""))
pbkdf2 = seq(oid("1.2.840.113549.1.5.12"),
             seq(tlv(0x04, salt), integer(2048), integer(32), hmac_sha256))
pbmac1 = seq(oid("1.2.840.113549.1.5.14"), seq(pbkdf2, hmac_sha256))
mac_data = seq(seq(pbmac1, tlv(0x04, value)), tlv(0x04, b"NOT USED"), integer(1))
open(f"{out}/pbmac1.pfx", "wb").write(seq(pfx[version[1]:version[3]], pfx[auth[1]:auth[3]], mac_data))

# 6. Safe-contents bags nested three deep (SafeContents > safeContentsBag > safeContentsBag >
#    certBag with leaf-rsa), no MAC, nothing encrypted.
lines = open(cert_pem).read().split("-----")[2]
cert_der = base64.b64decode("".join(lines.split()))
cert_bag = seq(oid("1.2.840.113549.1.12.10.1.3"),
               tlv(0xA0, seq(oid("1.2.840.113549.1.9.22.1"), tlv(0xA0, tlv(0x04, cert_der)))))
contents = seq(cert_bag)
for _ in range(2):
    contents = seq(seq(oid("1.2.840.113549.1.12.10.1.6"), tlv(0xA0, contents)))
auth_safe = seq(seq(oid("1.2.840.113549.1.7.1"), tlv(0xA0, tlv(0x04, contents))))
pfx = seq(integer(3), seq(oid("1.2.840.113549.1.7.1"), tlv(0xA0, tlv(0x04, auth_safe))))
open(f"{out}/nested-safecontents.pfx", "wb").write(pfx)
PY
rm -f "$OUT/.empty-base.pfx" "$OUT/.pbmac1-base.pfx"

cat > "$OUT/README.md" <<'EOF'
# p12-extra: PKCS#12 inputs OpenSSL 3.0 cannot make on its own

Made by `scripts/p12-extra-fixtures.sh` from pki/leaf-rsa.pem, pki/issuing-ca-rsa.pem and
keys/leaf-rsa.pkcs8.pem (friendlyName `www.example.test`). Password `correct horse` unless stated.

- `rc2-128-2des.pfx` — certificates pbeWithSHAAnd128BitRC2-CBC, key pbeWithSHAAnd2-KeyTripleDES-CBC, MAC SHA-1.
- `rc4.pfx` — certificates pbeWithSHAAnd128BitRC4, key pbeWithSHAAnd40BitRC4, MAC SHA-1 (RC4: recognised, not decrypted).
- `non-ascii-pre110.pfx` — password `pässwörd€` encoded the way OpenSSL before 1.1.0 did (each UTF-8 byte widened to 16 bits, not UTF-16); 3DES everywhere, MAC SHA-1. Current tools and Windows reject the password.
- `empty-password-no-terminator-mac.pfx` — empty password; 3DES bags use the BMPString `00 00` form, the SHA-1 MAC was recomputed (python3) over a zero-length password, the Windows way.
- `pbmac1.pfx` — OpenSSL 3 default bags with the MacData replaced by a valid RFC 9579 PBMAC1 MAC (PBKDF2-HMAC-SHA256, 2048 iterations, HMAC-SHA256).
- `nested-safecontents.pfx` — no MAC, nothing encrypted: SafeContents > safeContentsBag > safeContentsBag > certBag (leaf-rsa).
EOF

# Third-party exports from the pkcs12 crate's test suite (RustCrypto/formats, Apache-2.0 OR MIT).
SRC="$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/pkcs12-0.2.0-pre.0/tests/examples 2>/dev/null | head -n1)"
if [ -z "$SRC" ]; then
  echo "pkcs12-0.2.0-pre.0 not in the cargo registry; run cargo fetch first" >&2
  exit 1
fi
for f in ValidCertificatePathTest1EE.p12 ValidCertificatePathTest1EE_firefox.p12 \
         ValidCertificatePathTest1EE_macos.p12 ValidCertificatePathTest1EE_windows_aes.p12.pfx \
         ValidCertificatePathTest1EE_windows_tdes.p12.pfx ValidCertificatePathTest1EE.key \
         example5.pfx example7.pfx example11.pfx; do
  cp "$SRC/$f" "$EXT/$f"
done
cat > "$EXT/SOURCES.txt" <<'EOF'
Source: the test suite of the Rust crate `pkcs12` 0.2.0-pre.0 (crates.io), directory
tests/examples/, part of https://github.com/RustCrypto/formats (pkcs12/tests/examples).
Licence: Apache-2.0 OR MIT (the crate's licence), copyright the RustCrypto Developers.
The certificate and key inside the ValidCertificatePathTest1EE files are the "Valid Certificate
Path Test1 EE" end-entity of NIST PKITS (a U.S. Government work).
Copied unchanged by scripts/p12-extra-fixtures.sh.

File                                               Made by                        Password
ValidCertificatePathTest1EE.p12                    OpenSSL (3DES, SHA-1 MAC)      password
ValidCertificatePathTest1EE_firefox.p12            Firefox (BER, 600000 iter.,    password
                                                   3DES key, RC2-40 certificates)
ValidCertificatePathTest1EE_macos.p12              macOS Keychain (MAC 1 iter.,   password
                                                   RC2-40 certificates, 3DES key)
ValidCertificatePathTest1EE_windows_aes.p12.pfx    Windows (PBES2 AES-256, SHA-256 MAC)   password
ValidCertificatePathTest1EE_windows_tdes.p12.pfx   Windows (3DES, SHA-1 MAC)      password
ValidCertificatePathTest1EE.key                    the end-entity key, PKCS#8 DER  -
example5.pfx                                       OpenSSL -nomac (PBES2)         1234
example7.pfx                                       OpenSSL, plain keyBag          1234
example11.pfx                                      OpenSSL, BLAKE2b-512 MAC       1234
EOF
chmod 644 "$OUT"/* "$EXT"/*
echo "p12-extra and p12-external fixtures written"
