#!/usr/bin/env bash
# Fails when a C++ file of the project differs from what clang-format makes of it (the style in
# .clang-format: Google's, 100 columns). Every .cpp, .hpp and .hpp.in under cli/ common/
# server/ sessions/ loadgen/ demo/ tests/ (node_modules aside). To fix: make format.
# Usage: scripts/check-format.sh [ROOT]   (exit 0: formatted; 1: each file that is not printed)
set -uo pipefail
ROOT=${1:-$(dirname "$0")/..}
FORMAT=${CLANG_FORMAT:-clang-format}

if ! command -v "$FORMAT" >/dev/null; then
  echo "check-format needs clang-format (Debian: clang-format)"
  exit 1
fi

files=()
for dir in cli common server sessions loadgen demo tests; do
  [ -d "$ROOT/$dir" ] || continue
  while IFS= read -r f; do files+=("$f"); done < <(find "$ROOT/$dir" -path '*/node_modules' -prune -o \
    \( -name '*.cpp' -o -name '*.hpp' -o -name '*.hpp.in' \) -print | sort)
done

# One process for all of them; file by file only to name the ones that differ.
if "$FORMAT" --style=file:"$ROOT/.clang-format" --dry-run --Werror "${files[@]}" >/dev/null 2>&1; then
  echo "${#files[@]} files formatted as .clang-format says"
  exit 0
fi
status=0
for f in "${files[@]}"; do
  if ! "$FORMAT" --style=file:"$ROOT/.clang-format" --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "${f#"$ROOT"/}: not formatted (clang-format -i ${f#"$ROOT"/})"
    status=1
  fi
done
exit $status
