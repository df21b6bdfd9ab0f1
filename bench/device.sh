#!/usr/bin/env bash
# The pool suites on the 16-core device machine (../shared/DEVICE.md): no Node there, so it runs
# the node binary brought as .device/node (or .device/node.xz), numpy from its python3, and the
# C/OpenMP yardstick compiled here with gcc from the source path given as the first argument.
#
#   bash bench/device.sh path/to/dot_limit.c [more bench flags, given to both phases]
#
# In a `run` call, carry .device, dist, build and node_modules/tinybench (and the yardstick source).
# Phase 1, issue 3's figures at every core: the turns suite, the seed's job, dispatch and calls
# after a pause (~2.5 minutes on the device). Phase 2, the scaling across thread counts: the pool
# sweep and batches at 1, 2, 4, 8 and 16 threads (powers of two, then the core count), 150 ms a
# row (~2 minutes). Then the inline-threshold probe (bench/edge.js) and the protocol probe
# (bench/protocol.js) on 1, 7 and 15 workers. About 5 minutes in all, within the run tool's 10.
# Each phase's log and summary land in $OUT (where the run tool set it) as they are written, so
# a run cut off still brings back what it finished.
set -euo pipefail
src=${1:?usage: bash bench/device.sh DOT_LIMIT_C [bench flags]}
shift
src=$(cd "$(dirname "$src")" && pwd)/$(basename "$src")
cd "$(dirname "$0")/.."
node=${NODE:-.device/node}
if [ ! -x "$node" ]; then xz -dc "$node.xz" > "$node" && chmod +x "$node"; fi
# A machine without gcc still gives the pool and numpy rows; only the yardstick's are lost.
limit=$(mktemp -d)/dot_limit
gcc -O3 -march=native -ffast-math -fopenmp "$src" -o "$limit" || limit=none
cpu=$(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)
out=${OUT:-bench/results}
mkdir -p bench/results "$out"
echo "device: $(nproc) cores ($cpu), $(free -g | awk '/Mem:/{print $2}') GiB, node $("$node" --version), $(python3 -c 'import numpy; print("numpy", numpy.__version__)'), $(gcc --version 2>/dev/null | head -1), $(date -u +%FT%TZ), at $(git rev-parse --short HEAD 2>/dev/null || echo "an unknown commit")" | tee "$out/phase1.log"
top=$(nproc)
# 1, 2, 4, … below the core count, then the core count.
steps=$(t=1; l=; while [ "$t" -lt "$top" ]; do l="$l$t,"; t=$((t * 2)); done; echo "$l$top")
"$node" bench/index.js --suite turns,seed,dispatch,pause --threads "$top" --limit "$limit" "$@" 2>&1 | tee -a "$out/phase1.log"
cp bench/results/latest.md "$out/phase1.md"
"$node" bench/index.js --suite pool,batch --threads "$steps" --time 150 --limit "$limit" "$@" 2>&1 | tee "$out/phase2.log"
cp bench/results/latest.md "$out/phase2.md"
# Where a job starts to pay against inline at this core count (INLINE_BYTES was set on 2 cores).
timeout 60 "$node" bench/edge.js "$top" 100 2>&1 | tee -a "$out/phase2.log" || echo "edge.js failed or timed out" | tee -a "$out/phase2.log"
# The synchronisation alone, without wasm: what a call's fixed cost is made of on this machine.
workers=1
for w in $((top / 2 - 1)) $((top - 1)); do [ "$w" -gt "${workers##*,}" ] && workers="$workers,$w"; done
for work in 0 500; do timeout 60 "$node" bench/protocol.js "$workers" 32 "$work" 2>&1 | tee -a "$out/phase2.log"; done
