#!/usr/bin/env bash
# make demo: set up (packages, build, install), start a throwaway cluster,
# load a sample space and show the customer lists changing, stop the cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/cluster.sh

bash scripts/setup.sh
cowork_build_install
cowork_cluster_start
echo "throwaway cluster: socket $PGHOST, port $PGPORT (stopped when the demo ends)"
"$PGBIN/createdb" cowork_demo
"$PGBIN/psql" -X -q -d cowork_demo -f scripts/demo.sql
