#!/usr/bin/env bash
# docs/members-per-month.png: members at the end of each month per location,
# from cowork.monthly_movement over the history of scripts/chart-data.sql,
# drawn by gnuplot (installed with apt-get when missing).  Starts and stops
# its own throwaway cluster, like make demo.  Not part of make test.
#
#   bash scripts/chart.sh [output.png, default docs/members-per-month.png]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/cluster.sh
OUT=${1:-docs/members-per-month.png}

bash scripts/setup.sh >/dev/null
if ! command -v gnuplot >/dev/null 2>&1; then
    "${COWORK_SUDO[@]}" apt-get update -q >/dev/null
    "${COWORK_SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -q -y --no-install-recommends gnuplot-nox >/dev/null
fi
cowork_build_install
cowork_cluster_start
"$PGBIN/createdb" cowork_chart
"$PGBIN/psql" -X -q -d cowork_chart -f scripts/chart-data.sql >/dev/null

DATA=$(mktemp /tmp/cowork-chart.XXXXXX)
# The dashboard query: one row per month, one column per location.
"$PGBIN/psql" -X -q -A -t -F ' ' -d cowork_chart <<'SQL' >"$DATA"
SET TimeZone = 'Europe/London';
SELECT to_char(m.month, 'YYYY-MM-DD'),
       max(m.members_at_end) FILTER (WHERE l.name = 'Riverside Hub'),
       max(m.members_at_end) FILTER (WHERE l.name = 'Old Town Loft'),
       sum(m.joined) FILTER (WHERE l.name = 'Riverside Hub'),
       sum(m."left") FILTER (WHERE l.name = 'Riverside Hub')
  FROM cowork.monthly_movement m JOIN cowork.location l USING (location_id)
 GROUP BY m.month ORDER BY m.month;
SQL

gnuplot <<GP
set terminal pngcairo size 960,540 font 'DejaVu Sans,11'
set output '$OUT'
set title 'Members at the end of each month (cowork.monthly_movement)' font ',14' noenhanced
set xdata time
set timefmt '%Y-%m-%d'
set format x "%b\\n%Y"
set xrange ['2023-12-10':'2026-01-01']
set xtics 60*60*24*30.44*3
set ylabel 'members'
set y2label 'joined / left per month (Riverside Hub)'
set y2tics
set ytics nomirror
set yrange [0:*]
set y2range [0:40]
set grid ytics lc rgb '#dddddd'
set key top left noenhanced
set style fill solid 0.5 noborder
set boxwidth 60*60*24*9
plot '$DATA' using (timecolumn(1) - 60*60*24*5):4 axes x1y2 with boxes lc rgb '#9ecae1' title 'joined (Riverside Hub)', \
     '$DATA' using (timecolumn(1) + 60*60*24*5):5 axes x1y2 with boxes lc rgb '#fdae6b' title 'left (Riverside Hub)', \
     '$DATA' using 1:2 with linespoints lw 2.5 pt 7 ps 0.8 lc rgb '#08519c' title 'Riverside Hub', \
     '$DATA' using 1:3 with linespoints lw 2.5 pt 7 ps 0.8 lc rgb '#a63603' title 'Old Town Loft'
GP
rm -f "$DATA"
echo "$OUT"
