#!/usr/bin/env bash
# Runs every benchmark against the offline sandbox and writes a Markdown report.
#
#   benches/report.sh [OUTPUT]        (default: benches/REPORT.md)
#
# Loopback and temp dirs only; takes a few minutes on two cores (release build first).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-benches/REPORT.md}"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT

cargo build --release --locked --quiet
bin=target/release/tgmcp

cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
mem_kib="$(grep -m1 MemTotal /proc/meminfo 2>/dev/null | awk '{print $2}' || echo 0)"
size="$(stat -c %s "$bin")"

# Start-up of the binary alone, and a whole one-shot command against the embedded
# sandbox: the median of 50 runs each, with peak RSS from GNU time when it is there.
startup() {
    python3 - "$@" <<'PY'
import statistics, subprocess, sys, time
runs = []
for _ in range(50):
    t = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    runs.append((time.perf_counter() - t) * 1000)
print(f"{statistics.median(runs):.1f} ms (min {min(runs):.1f})")
PY
}
peak_rss() {
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f MiB", $1/1024}'
    else
        python3 -c 'import resource,subprocess,sys; subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL); print(f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024:.1f} MiB")' "$@"
    fi
}

{
    echo "# tgmcp benchmark report"
    echo
    echo "Written by \`benches/report.sh\` on $(date -u +%Y-%m-%d) from commit \`$(git rev-parse --short HEAD)\`."
    echo "Every figure is measured against the in-process sandbox DC on loopback (no network)."
    echo
    echo "## Machine"
    echo
    echo "| | |"
    echo "| --- | --- |"
    echo "| CPU | ${cpu:-unknown}, $(nproc) cores |"
    echo "| memory | $((mem_kib / 1024 / 1024)) GiB |"
    echo "| OS | $(uname -srm) |"
    echo "| Rust | $(rustc --version) |"
    echo
    echo "## The binary"
    echo
    echo "| | |"
    echo "| --- | --- |"
    echo "| release binary size | $((size / 1024)) KiB ($(awk "BEGIN {printf \"%.1f\", $size/1048576}") MiB) |"
    echo "| \`tgmcp --version\` (process start to exit) | $(startup "$bin" --version) |"
    echo "| \`tgmcp --sandbox --json health\` (embedded DC, connect, 4 requests) | $(startup "$bin" --sandbox --json health) |"
    echo "| peak RSS of \`tgmcp --sandbox --json health\` | $(peak_rss "$bin" --sandbox --json health) |"
    echo
} >"$tmp"

for bench in serve http send upload sandbox hosted; do
    if grep -q "name = \"$bench\"" Cargo.toml; then
        cargo bench --locked --quiet --bench "$bench" >>"$tmp"
    fi
done

mv "$tmp" "$out"
trap - EXIT
echo "wrote $out" >&2
