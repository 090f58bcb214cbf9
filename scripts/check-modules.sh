#!/usr/bin/env bash
# Fails when a module includes, or links, a module it must not use. The picture (docs/layout.md):
#   common/   used by everyone; uses nothing of the project
#   sessions/ the session model and stores: uses common/ only, and no Asio or Beast
#   server/   the web instance: uses common/, sessions/
#   loadgen/  the tester: uses common/ only (it treats instances as black boxes); inside it, each
#             folder uses only the folders before it: journey/ config/ http/ stats/ history/
#             scenario/ report/ run/
#   demo/     orchestration: uses common/, loadgen/report/ and loadgen/stats/ (it runs the tester
#             as a process and reads its reports)
#   cli/, tests/: may use everything
# Usage: scripts/check-modules.sh [ROOT]   (exit 0: clean; 1: a violation, each one printed)
set -uo pipefail
ROOT=${1:-$(dirname "$0")/..}
status=0

declare -A allowed=(
  [common]="common"
  [sessions]="common sessions"
  [server]="common sessions server"
  [loadgen]="common loadgen"
  [demo]="common loadgen demo"
)
declare -A targets=([common]=sessdemo_common [sessions]=sessdemo_sessions [server]=sessdemo_server
                    [loadgen]=sessdemo_loadgen [demo]=sessdemo_demo [cli]=sessdemo_cli)

for module in "${!allowed[@]}"; do
  dir="$ROOT/$module"
  [ -d "$dir" ] || continue
  # Project includes are "folder/file.hpp"; every folder must be one this module may use.
  while IFS= read -r hit; do
    used=$(sed -E 's|.*#include "([a-z_]+)/.*|\1|' <<<"${hit#*:*:}")
    case " ${allowed[$module]} " in
      *" $used "*) ;;
      *) echo "$hit: $module/ must not include $used/"; status=1 ;;
    esac
  done < <(grep -rnE --include='*.cpp' --include='*.hpp' '^\s*#\s*include "[a-z_]+/' "$dir" 2>/dev/null)
  # Its CMake target links no project library it may not use.
  if [ -f "$dir/CMakeLists.txt" ]; then
    for other in "${!targets[@]}"; do
      case " ${allowed[$module]} " in *" $other "*) continue ;; esac
      [ "$other" = "$module" ] && continue
      if grep -qE "target_link_libraries\([a-z_]+ .*\b${targets[$other]}\b" "$dir/CMakeLists.txt"; then
        echo "$dir/CMakeLists.txt: $module links ${targets[$other]} ($other/)"
        status=1
      fi
    done
  fi
done
# Inside loadgen/: a folder includes only itself and the folders before it.
layers=(journey config http stats history scenario report run)
rank() { local i; for i in "${!layers[@]}"; do [ "${layers[$i]}" = "$1" ] && echo "$i" && return; done; echo -1; }
while IFS= read -r hit; do
  file=${hit%%:*}
  from=$(sed -E 's|.*/loadgen/([a-z_]+)/.*|\1|' <<<"$file")  # its folder under loadgen/, however deep
  used=$(sed -E 's|.*#include "loadgen/([a-z_]+)/.*|\1|' <<<"${hit#*:*:}")
  if [ "$(rank "$from")" -lt 0 ] || [ "$(rank "$used")" -lt 0 ]; then
    echo "$hit: loadgen/ files live in one of: ${layers[*]}"
    status=1
  elif [ "$(rank "$used")" -gt "$(rank "$from")" ]; then
    echo "$hit: loadgen/$from/ must not include loadgen/$used/ (it comes after)"
    status=1
  fi
done < <(grep -rnE --include='*.cpp' --include='*.hpp' '^\s*#\s*include "loadgen/' "$ROOT/loadgen" 2>/dev/null)
if ls "$ROOT"/loadgen/*.cpp "$ROOT"/loadgen/*.hpp >/dev/null 2>&1; then
  echo "loadgen/: every file lives in one of its folders (${layers[*]})"
  status=1
fi
# demo/ reads the tester's reports: loadgen/report/ and loadgen/stats/ only.
while IFS= read -r hit; do
  used=$(sed -E 's|.*#include "loadgen/([a-z_]+)/.*|\1|' <<<"${hit#*:*:}")
  case "$used" in report|stats) ;; *) echo "$hit: demo/ must not include loadgen/$used/"; status=1 ;; esac
done < <(grep -rnE --include='*.cpp' --include='*.hpp' '^\s*#\s*include "loadgen/' "$ROOT/demo" 2>/dev/null)
if grep -nE '^\s*#\s*include <boost/(asio|beast)' "$ROOT"/sessions/*.cpp "$ROOT"/sessions/*.hpp 2>/dev/null; then
  echo "sessions/ must not use Asio or Beast"
  status=1
fi
[ $status = 0 ] && echo "module boundaries hold"
exit $status
