# Plots a `sessdemo load --csv` file: requests per second, p99 latency and miss rate over time,
# for all instances together and for each instance.
#
#   gnuplot -e "csv='run.csv'; out='run.png'" examples/plot.gp
#   sessdemo load --instances ... --csv - | gnuplot -e "out='run.png'" examples/plot.gp
#
# Optional: title='...'; fault=SECONDS (and fault_end=SECONDS) marks a fault on every panel.
if (!exists("out")) out = "sessdemo-load.png"
if (!exists("title")) title = "sessdemo load"
# Without csv= the data comes on standard input; it is copied to a file so it can be read
# once per panel.
if (!exists("csv")) csv = system("f=$(mktemp); cat > \"$f\"; echo \"$f\"")

set terminal pngcairo size 1100,1000 font "sans,10"
set output out
set datafile separator ","
set key outside right top
set grid
set xlabel "elapsed (s)"

# Instances named in the CSV, without the aggregate rows.
instances = system("awk -F, 'NR>1 && $2!=\"all\" && $2!=\"total\" {print $2}' '" . csv . "' | sort -u | tr '\\n' ' '")
rows(name) = "< awk -F, '$2==\"" . name . "\"' '" . csv . "'"

if (exists("fault")) {
  fault_to = exists("fault_end") ? fault_end : fault
  set object 1 rect from fault, graph 0 to fault_to, graph 1 behind fc rgb "#f4c7c3" fs solid 0.5 noborder
  set arrow 1 from fault, graph 0 to fault, graph 1 nohead lc rgb "#c0392b" lw 2
}

set multiplot layout 3,1 title title
set title "requests per second"
set ylabel "req/s"
set yrange [0:*]
plot rows("all") using 1:9 with lines lw 2 lc rgb "black" title "all", \
     for [i in instances] rows(i) using 1:9 with lines title i

set title "p99 latency"
set ylabel "ms"
plot rows("all") using 1:12 with lines lw 2 lc rgb "black" title "all", \
     for [i in instances] rows(i) using 1:12 with lines title i

set title "miss rate (reads showing no session)"
set ylabel "fraction of reads"
set yrange [0:1.05]
plot rows("all") using 1:16 with lines lw 2 lc rgb "black" title "all", \
     for [i in instances] rows(i) using 1:16 with lines title i
unset multiplot
