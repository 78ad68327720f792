#!/usr/bin/env bash
# The slurm:// tests start a private single-node Slurm (Debian's slurm-wlm and munge); install
# them when missing and possible (as root). Without them those tests are skipped, with why.
set -euo pipefail
if command -v slurmctld >/dev/null && command -v munged >/dev/null; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "Slurm is missing: 'sudo apt-get install slurm-wlm munge' runs the slurm:// tests" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq slurm-wlm munge >/dev/null 2>&1 \
  || { apt-get update -qq && apt-get install -y -qq slurm-wlm munge >/dev/null; }
