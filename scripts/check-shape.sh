#!/usr/bin/env bash
# Fails when a source file of the product is longer than a screenful of screens, or a function
# longer than one screen: every file under cli/ common/ server/ sessions/ loadgen/ demo/ at most
# MAX_FILE lines (300), every function at most MAX_FUNCTION lines (80), counted from the line of
# its name to its closing brace by Universal Ctags' end field.
# Usage: scripts/check-shape.sh [ROOT]   (exit 0: clean; 1: each file or function too long printed)
set -uo pipefail
ROOT=${1:-$(dirname "$0")/..}
MAX_FILE=${MAX_FILE:-300}
MAX_FUNCTION=${MAX_FUNCTION:-80}
status=0

if ! ctags --version 2>/dev/null | grep -q 'Universal Ctags'; then
  echo "check-shape needs Universal Ctags (Debian: universal-ctags)"
  exit 1
fi

files=()
for module in cli common server sessions loadgen demo; do
  [ -d "$ROOT/$module" ] || continue
  while IFS= read -r f; do files+=("$f"); done < <(find "$ROOT/$module" -name '*.cpp' -o -name '*.hpp' | sort)
done

for f in "${files[@]}"; do
  n=$(wc -l <"$f")
  if [ "$n" -gt "$MAX_FILE" ]; then
    echo "${f#"$ROOT"/}: $n lines (at most $MAX_FILE)"
    status=1
  fi
done

# One line per function definition: name, file, start and end line.
while IFS=$'\t' read -r name file start end; do
  length=$((end - start + 1))
  if [ "$length" -gt "$MAX_FUNCTION" ]; then
    echo "${file#"$ROOT"/}:$start: $name is $length lines (at most $MAX_FUNCTION)"
    status=1
  fi
done < <(ctags --languages=C++ --kinds-C++=f --fields=+ne --extras=-q -f - "${files[@]}" |
         awk -F'\t' '{ s = ""; e = "";
                       for (i = 4; i <= NF; i++) {
                         if ($i ~ /^line:/) s = substr($i, 6);
                         if ($i ~ /^end:/) e = substr($i, 5);
                       }
                       if (s != "" && e != "") print $1 "\t" $2 "\t" s "\t" e }')

[ $status = 0 ] && echo "every file within $MAX_FILE lines, every function within $MAX_FUNCTION"
exit $status
