#!/usr/bin/env bash
# Times `certdoctor scan` against the per-installation shell checks the source article
# recommends, on a folder of generated installations, and measures scan's scale (time and peak
# RSS) on up to 100,000 installations.
#
#   benches/scan_vs_shell.sh [N_SHELL=200] [N_SCALE="10000 100000"]   (N_SCALE="" skips the scale runs)
#
# Needs: openssl, a release build (built here), GNU time (/usr/bin/time) for peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}
SCALE=${2-"10000 100000"}
WORK=$(mktemp -d /tmp/certdoctor-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cargo build --release --quiet
BIN=$PWD/target/release/certdoctor
FX=$PWD/tests/fixtures
ROOT=$FX/pki/root-ca.pem

# Ten distinct installations (real openssl output from the fixture script): good, reversed
# chain, wrong key, expired leaf, leaf only...; installation i copies pattern i mod 10.
patterns=(
  "chain/fullchain.pem keys/leaf-rsa.pkcs8.pem"
  "chain/reversed.pem keys/leaf-rsa.pkcs8.pem"
  "chain/fullchain.pem keys/other-rsa.pkcs8.pem"
  "chain/leaf-only.pem keys/leaf-rsa.pkcs8.pem"
  "chain/fullchain-with-root.pem keys/leaf-rsa.pkcs1.pem"
  "chain/ec-fullchain.pem keys/leaf-ec.pkcs8.pem"
  "chain/expired-intermediate-fullchain.pem keys/leaf-rsa.pkcs8.pem"
  "chain/fullchain.pem keys/leaf-rsa.pkcs8.pem"
  "chain/leaf-lookalike-intermediate.pem keys/leaf-rsa.pkcs8.pem"
  "chain/fullchain.pem keys/leaf-rsa.pkcs8.pem"
)
make_fleet() { # $1 = dir, $2 = count; hard links keep 100k installations cheap
  python3 - "$1" "$2" "$FX" "${patterns[@]}" <<'PY2'
import os, sys
import shutil
d, n, fx, pats = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
os.makedirs(d, exist_ok=True)
src = os.path.join(d, ".src")
for i in range(n):
    # A file takes at most ~65,000 hard links: link to a fresh copy every 20,000 sites.
    if i % 20000 == 0:
        shutil.rmtree(src, ignore_errors=True)
        os.makedirs(src)
        copies = {}
    cert, key = pats[i % len(pats)].split()
    for rel in (cert, key):
        if rel not in copies:
            copies[rel] = os.path.join(src, f"{len(copies)}-" + os.path.basename(rel))
            shutil.copy(os.path.join(fx, rel), copies[rel])
    site = os.path.join(d, f"site-{i}")
    os.mkdir(site)
    os.link(copies[cert], os.path.join(site, "fullchain.pem"))
    os.link(copies[key], os.path.join(site, "privkey.pem"))
PY2
}

make_fleet "$WORK/fleet" "$N"

shell_checks() {
  for d in "$WORK"/fleet/*/; do
    openssl x509 -in "$d/fullchain.pem" -noout -pubkey | openssl sha256 >/dev/null
    openssl pkey -in "$d/privkey.pem" -pubout | openssl sha256 >/dev/null
    openssl verify -CAfile "$ROOT" -untrusted "$d/fullchain.pem" "$d/fullchain.pem" >/dev/null 2>&1 || true
  done
}
now() { date +%s.%N; }
t0=$(now); shell_checks; t1=$(now)
# The scan: one warm-up run (page cache), then the median of five.
"$BIN" scan "$WORK/fleet" --trust "$ROOT" --now 2026-06-01T00:00:00Z --json >/dev/null 2>&1 || true
scans=()
for _ in 1 2 3 4 5; do
  s0=$(now)
  "$BIN" scan "$WORK/fleet" --trust "$ROOT" --now 2026-06-01T00:00:00Z --json >/dev/null 2>&1 || true
  s1=$(now)
  scans+=("$(python3 -c "print($s1 - $s0)")")
done
python3 - "$N" "$t0" "$t1" "${scans[@]}" <<'PY'
import statistics, sys
n, t0, t1 = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
runs = sorted(map(float, sys.argv[4:]))
shell, scan = t1 - t0, statistics.median(runs)
print(f"installations: {n}")
print(f"shell (openssl x509|sha256, pkey|sha256, verify): {shell:.3f} s  ({shell / n * 1000:.2f} ms each)")
print(f"certdoctor scan (full diagnosis), median of 5:    {scan:.3f} s  ({scan / n * 1000:.3f} ms each; runs {runs[0]:.3f}-{runs[-1]:.3f} s)")
print(f"ratio: {shell / scan:.0f}x")
PY

for M in $SCALE; do
  rm -rf "$WORK/scale"
  make_fleet "$WORK/scale" "$M"
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" \
    "$BIN" scan "$WORK/scale" --trust "$ROOT" --now 2026-06-01T00:00:00Z --json >/dev/null 2>/dev/null || true
  read -r secs kb < <(tail -n 1 "$WORK/time.txt")
  python3 -c "import sys; m,s,kb=int(sys.argv[1]),float(sys.argv[2]),int(sys.argv[3]); print(f'scale: {m} installations in {s:.1f} s ({s/m*1e6:.0f} us each), peak RSS {kb/1024:.1f} MiB')" "$M" "$secs" "$kb"
done
