#!/usr/bin/env bash
# Fails when a module includes, or links, a module it must not use. The picture (docs/layout.md):
#   common/   used by everyone; uses nothing of the project
#   sessions/ the session model and stores: uses common/ only, and no Asio or Beast
#   server/   the web instance: uses common/, sessions/
#   loadgen/  the tester: uses common/ only (it treats instances as black boxes)
#   demo/     orchestration: uses common/, loadgen/ (it starts `sessdemo serve` as processes)
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
  done < <(grep -nE '^\s*#\s*include "[a-z_]+/' "$dir"/*.cpp "$dir"/*.hpp 2>/dev/null)
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
if grep -nE '^\s*#\s*include <boost/(asio|beast)' "$ROOT"/sessions/*.cpp "$ROOT"/sessions/*.hpp 2>/dev/null; then
  echo "sessions/ must not use Asio or Beast"
  status=1
fi
[ $status = 0 ] && echo "module boundaries hold"
exit $status
