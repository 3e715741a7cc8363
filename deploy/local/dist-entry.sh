# Sourced by start.sh and start-service.sh: where the build put an entry point, or a clear reason why not.
# usage: dist_entry services/challenge/src/main.js   (prints dist/services/challenge/src/main.js)
dist_entry() {
  local relative="$1" stripped
  if [[ -f "$ROOT/dist/$relative" ]]; then
    echo "dist/$relative"
    return 0
  fi
  stripped="dist/${relative#*/}"
  if [[ -f "$ROOT/$stripped" ]]; then
    echo "ERROR: the build wrote $stripped instead of dist/$relative: package.json's build script passes" \
      "--strip-leading-paths, which drops the services/libs/tools folder and breaks requires between them;" \
      "remove that flag and build again" >&2
  else
    echo "ERROR: dist/$relative is missing after 'npm run build': is ${relative%.js}.ts written yet?" >&2
  fi
  return 1
}
