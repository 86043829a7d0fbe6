#!/usr/bin/env bash
# Queue benchmark: trivial jobs against a private PostgreSQL 15 cluster with default
# durability (fsync and synchronous_commit on), on this machine. Prints enqueue, claim and
# complete throughput for batch sizes 1, 10 and 100 (4 concurrent claimers), claim latency,
# our claim and complete SQL driven by pgbench, and the physical limit: a minimal SKIP LOCKED
# queue driven by pgbench in the same cluster. The three alternate in every round; figures are
# medians with ranges, with PostgreSQL CPU per job. The last line is
#   RESULT jobs_per_s_batch1=… jobs_per_s_batch100=… limit_batch1=… limit_batch100=… ratio_batch1=… ratio_batch100=… claim_p99_ms=…
# Usage: bench/queue/run.sh [--quick] [--rounds N]   (output is also kept in bench/out/queue.txt)
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product illuminati-queue-bench
mkdir -p bench/out
.build/release/illuminati-queue-bench --state "$PWD/bench/out/queue-state" "$@" | tee bench/out/queue.txt
