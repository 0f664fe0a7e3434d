#!/usr/bin/env python3
"""Rebuilds fuzz/corpus/<target>/ from the project's real files.

Sources: tests/fixtures/** (certificates, keys, PKCS#12, PKCS#7, CSRs, broken files),
rules/*.toml, examples/data/*.json and, for `symptom`, the lines of the pasted command outputs
in ../shared/samples/command-outputs/** (when that folder is present).

Each seed is named by the SHA-1 of its content, like libFuzzer's own corpus files, so running
this again adds nothing twice. The corpora are git-ignored; only this script is committed.
"""
import base64
import hashlib
import os
import re
import sys

FUZZ = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(FUZZ)
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
SAMPLES_CANDIDATES = [
    os.environ.get("CERTDOCTOR_SAMPLES", ""),
    os.path.join(os.path.dirname(ROOT), "shared", "samples", "command-outputs"),
]
MAX_SEED = 256 * 1024

CIPHERS = ["AES-128-CBC", "AES-192-CBC", "AES-256-CBC", "DES-EDE3-CBC", "DES-CBC", "BF-CBC"]
PEM_RE = re.compile(
    rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", re.DOTALL
)


def files_under(path, exts=None):
    out = []
    for d, _, names in os.walk(path):
        for n in sorted(names):
            if n.endswith(".md") or n == "SOURCES.txt":
                continue
            if exts and not any(n.endswith(e) for e in exts):
                continue
            out.append(os.path.join(d, n))
    return sorted(out)


def read(p):
    with open(p, "rb") as f:
        return f.read()


class Corpus:
    def __init__(self, target):
        self.dir = os.path.join(FUZZ, "corpus", target)
        os.makedirs(self.dir, exist_ok=True)
        self.count = 0

    def add(self, data):
        if not data or len(data) > MAX_SEED:
            return
        name = hashlib.sha1(data).hexdigest()
        path = os.path.join(self.dir, name)
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            self.count += 1


def pem_blocks(data):
    """(label, headers dict, decoded body) of each PEM block that decodes."""
    for m in PEM_RE.finditer(data):
        label = m.group(1).decode()
        lines = m.group(2).replace(b"\r", b"").split(b"\n")
        headers = {}
        body_lines = []
        for line in lines:
            if b":" in line and not body_lines:
                k, v = line.split(b":", 1)
                headers[k.strip().decode()] = v.strip().decode()
            elif line.strip():
                body_lines.append(line.strip())
        try:
            body = base64.b64decode(b"".join(body_lines), validate=False)
        except Exception:
            continue
        yield label, headers, body


def keys_seed(headers, body):
    """Input layout of the `keys` target (see fuzz_targets/keys.rs)."""
    flags = 0
    iv = b""
    if "ENCRYPTED" in headers.get("Proc-Type", "").upper():
        flags |= 0x80
    dek = headers.get("DEK-Info", "")
    if "," in dek:
        name, iv_hex = dek.split(",", 1)
        if name.strip().upper() in CIPHERS:
            flags |= CIPHERS.index(name.strip().upper())
        try:
            iv = bytes.fromhex(iv_hex.strip())[:31]
        except ValueError:
            iv = b""
    return bytes([flags, len(iv)]) + iv + body


def main():
    all_fixtures = files_under(FIXTURES)
    rules = files_under(os.path.join(ROOT, "rules"), [".toml"])
    examples = files_under(os.path.join(ROOT, "examples", "data"), [".json"])

    c = {t: Corpus(t) for t in
         ["ingest", "diagnose", "pkcs12", "keys", "pkcs7", "pem_text", "symptom", "rule_file"]}

    for p in all_fixtures:
        data = read(p)
        c["ingest"].add(data)
        c["diagnose"].add(data)
        c["pem_text"].add(data)
        rel = os.path.relpath(p, FIXTURES)
        top = rel.split(os.sep)[0]
        blocks = list(pem_blocks(data))
        if top.startswith("p12"):
            if p.endswith(".b64"):
                try:
                    c["pkcs12"].add(base64.b64decode(data))
                except Exception:
                    pass
            else:
                c["pkcs12"].add(data)
            for label, _, body in blocks:
                if "PKCS12" in label:
                    c["pkcs12"].add(body)
        if top.startswith("p7"):
            c["pkcs7"].add(data)
            for _, _, body in blocks:
                c["pkcs7"].add(body)
        if top.startswith("keys") or p.endswith(".key"):
            if not blocks:
                c["keys"].add(data)
                c["keys"].add(bytes([0, 0]) + data)
            for label, headers, body in blocks:
                if "PRIVATE KEY" in label:
                    c["keys"].add(body)
                    c["keys"].add(keys_seed(headers, body))
        if top in ("pki", "chain") and p.endswith(".der"):
            c["pkcs7"].add(data)

    for p in rules + examples:
        c["rule_file"].add(read(p))

    samples = next((s for s in SAMPLES_CANDIDATES if s and os.path.isdir(s)), None)
    if samples:
        for p in files_under(samples):
            for line in read(p).splitlines():
                line = line.strip()
                if line and not line.startswith(b"#"):
                    c["symptom"].add(line)
    else:
        print("note: command-output samples not found; symptom corpus gets fixtures only",
              file=sys.stderr)
    # Error codes and messages written the ways users paste them.
    for s in [b"0x80092004", b"-2146885628", b"CRYPT_E_NOT_FOUND", b"0x8009030d",
              b"SSL_CTX_use_PrivateKey_file failed: key values mismatch",
              b"ERROR 0x80070005 Access is denied.", b"error:0B080074:x509 certificate routines"]:
        c["symptom"].add(s)

    for t, corpus in c.items():
        total = len(os.listdir(corpus.dir))
        print(f"{t:10} {total:5} seeds ({corpus.count} new) in {os.path.relpath(corpus.dir, ROOT)}")


if __name__ == "__main__":
    main()
