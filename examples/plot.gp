# Plots a `sessdemo load --csv` file: requests per second, p99 latency and miss rate over time,
# for all instances together and for each instance.
#
#   gnuplot -e "csv='run.csv'; out='run.png'" examples/plot.gp
#   sessdemo load --instances ... --csv - | gnuplot -e "out='run.png'" examples/plot.gp
#
# Optional: title='...'; fault=SECONDS (and fault_end=SECONDS) marks a fault on every panel.
# Columns are found by their names in the CSV header, so new columns do not break the plot.
if (!exists("out")) out = "sessdemo-load.png"
if (!exists("title")) title = "sessdemo load"
# Without csv= the data comes on standard input; it is copied to a temporary file (removed at
# the end) so that it can be read once per panel.
stdin_copy = !exists("csv")
if (stdin_copy) csv = system("f=$(mktemp); cat > \"$f\"; echo \"$f\"")

set terminal pngcairo size 1100,1000 font "sans,10"
set output out
set datafile separator ","
set datafile columnheaders
set key outside right top
set grid
set xlabel "elapsed (s)"
# Ten colours that tell instances apart (black is kept for "all").
array palette[10] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
do for [k = 1:10] { set linetype k lc rgb palette[k] lw 1.5 }

# Instances named in the CSV, without the aggregate rows.
instances = system("awk -F, 'NR>1 && $2!=\"all\" && $2!=\"total\" {print $2}' '" . csv . "' | sort -u | tr '\\n' ' '")
n = words(instances)
# The header and the rows of one instance (the header names the columns for gnuplot). A row
# that covers less than half an interval (the drain after the end) would show as a dip: left out.
rows(name) = "< awk -F, 'NR==1 {for (i = 1; i <= NF; i++) if ($i == \"interval_s\") c = i; print; next} " . \
             "$2==\"" . name . "\" && $c >= full / 2 {if ($c > full) full = $c; print}' '" . csv . "'"

if (exists("fault")) {
  fault_to = exists("fault_end") ? fault_end : fault
  set object 1 rect from fault, graph 0 to fault_to, graph 1 behind fc rgb "#f4c7c3" fs solid 0.5 noborder
  set arrow 1 from fault, graph 0 to fault, graph 1 nohead lc rgb "#c0392b" lw 2
}

set multiplot layout 3,1 title title
set title "requests per second"
set ylabel "req/s"
set yrange [0:*]
plot rows("all") using "elapsed_s":"rps" with lines lw 2.5 lc rgb "black" title "all", \
     for [k = 1:n] rows(word(instances, k)) using "elapsed_s":"rps" with lines lt ((k - 1) % 10 + 1) title word(instances, k)

set title "p99 latency"
set ylabel "ms"
plot rows("all") using "elapsed_s":"p99_ms" with lines lw 2.5 lc rgb "black" title "all", \
     for [k = 1:n] rows(word(instances, k)) using "elapsed_s":"p99_ms" with lines lt ((k - 1) % 10 + 1) title word(instances, k)

set title "miss rate (reads showing no session)"
set ylabel "fraction of reads"
# A little room below zero, so that a miss rate of 0 is a visible line and not the axis.
set yrange [-0.04:1.05]
plot rows("all") using "elapsed_s":"miss_rate" with linespoints lw 2.5 pt 7 ps 0.4 lc rgb "black" title "all", \
     for [k = 1:n] rows(word(instances, k)) using "elapsed_s":"miss_rate" with lines lt ((k - 1) % 10 + 1) title word(instances, k)
unset multiplot
if (stdin_copy) system("rm -f '" . csv . "'")
