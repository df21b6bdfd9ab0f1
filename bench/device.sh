#!/usr/bin/env bash
# The pool suites on the 16-core device machine (../shared/DEVICE.md): no Node there, so it runs
# the node binary brought as .device/node (or .device/node.xz), numpy from its python3, and the
# C/OpenMP yardstick compiled here with gcc from the source path given as the first argument.
#
#   bash bench/device.sh path/to/dot_limit.c [more bench flags, which override the defaults]
#
# In a `run` call, carry .device, dist, build and node_modules/tinybench (and the yardstick source).
# Default: --suite pool,dispatch,batch,seed --threads 1,2,4,8,16, then the protocol probe
# (bench/protocol.js) on 1, 7 and 15 workers: about 4 minutes on the device, within its 10.
# Results land in bench/results/ and, where the run tool set $OUT, are copied there.
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
echo "device: $(nproc) cores ($cpu), $(free -g | awk '/Mem:/{print $2}') GiB, node $("$node" --version), $(python3 -c 'import numpy; print("numpy", numpy.__version__)'), $(gcc --version 2>/dev/null | head -1)"
# The log goes to $OUT as it is written, so a run cut off by the command's time limit still
# brings back the tables of the sizes it finished.
mkdir -p bench/results
log=${OUT:-bench/results}/device.log
"$node" bench/index.js --suite pool,dispatch,batch,seed --threads 1,2,4,8,16 --limit "$limit" "$@" 2>&1 | tee "$log"
if [ -n "${OUT:-}" ]; then cp bench/results/latest.md bench/results/latest.json "$OUT/"; fi
# The synchronisation alone, without wasm: what a call's fixed cost is made of on this machine.
for work in 0 500; do timeout 60 "$node" bench/protocol.js 1,7,15 32 "$work" 2>&1 | tee -a "$log"; done
