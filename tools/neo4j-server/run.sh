#!/usr/bin/env bash
# Start, stop or check the local Neo4j (atlas.Neo4jServer) in the background.
#   run.sh up     build if needed, start, wait until Bolt answers (idempotent)
#   run.sh down   SIGTERM, wait for the clean shutdown (idempotent)
#   run.sh status exit 0 when the server is up
#   run.sh admin ARGS...  Neo4j's own neo4j-admin (org.neo4j.cli.AdminTool) on this home, e.g.
#                 `admin database import full neo4j ...` with the server stopped
# Settings (environment): NEO4J_SERVER_HOME, NEO4J_SERVER_PORT, NEO4J_SERVER_PASSWORD,
# NEO4J_SERVER_PAGECACHE, NEO4J_SERVER_TX_TIMEOUT_S, NEO4J_JAVA_OPTS, NEO4J_START_TIMEOUT_S.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
home="${NEO4J_SERVER_HOME:?set NEO4J_SERVER_HOME (the data directory)}"
port="${NEO4J_SERVER_PORT:-7687}"
mkdir -p "$home"
home="$(cd "$home" && pwd)"
pidfile="$home/server.pid"
log="$home/server.log"

alive() { [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
bolt_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

build() {
  # Rebuild only when the sources changed; ~/.m2 caches Neo4j's jars between runs.
  if [[ ! -f "$here/target/classpath.txt" || "$here/pom.xml" -nt "$here/target/classpath.txt" \
        || -n "$(find "$here/src" -newer "$here/target/classpath.txt" -print -quit)" ]]; then
    (cd "$here" && mvn -q -B package)
  fi
}

up() {
  if alive && [[ -f "$home/ready" ]] && bolt_answers; then
    echo "neo4j-server already up: bolt://127.0.0.1:$port (pid $(cat "$pidfile"))"
    return 0
  fi
  : "${NEO4J_SERVER_PASSWORD:?set NEO4J_SERVER_PASSWORD}"
  if bolt_answers; then
    echo "neo4j-server: port $port is taken by another process; choose NEO4J_PORT" >&2
    return 1
  fi
  build
  rm -f "$home/ready"
  # shellcheck disable=SC2086  # NEO4J_JAVA_OPTS is a list of options
  NEO4J_SERVER_HOME="$home" NEO4J_SERVER_PORT="$port" nohup java ${NEO4J_JAVA_OPTS:--Xms256m -Xmx1g} \
    -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" atlas.Neo4jServer >"$log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  local deadline=$((SECONDS + ${NEO4J_START_TIMEOUT_S:-240}))
  until [[ -f "$home/ready" ]] && bolt_answers; do
    if ! alive; then
      echo "neo4j-server exited while starting; last lines of $log:" >&2
      tail -n 30 "$log" >&2
      return 1
    fi
    if ((SECONDS > deadline)); then
      echo "neo4j-server did not answer on port $port in time; last lines of $log:" >&2
      tail -n 30 "$log" >&2
      down
      return 1
    fi
    sleep 0.5
  done
  echo "neo4j-server up: bolt://127.0.0.1:$port (pid $(cat "$pidfile"), data in $home, log $log)"
}

down() {
  if ! alive; then
    rm -f "$pidfile" "$home/ready"
    echo "neo4j-server not running"
    return 0
  fi
  local pid
  pid="$(cat "$pidfile")"
  kill -TERM "$pid"
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS > deadline)); then
      echo "neo4j-server (pid $pid) did not stop in 60 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$pidfile" "$home/ready"
  echo "neo4j-server stopped"
}

admin() {
  if alive; then
    echo "neo4j-server is running on $home: stop it first (run.sh down)" >&2
    return 1
  fi
  build
  mkdir -p "$home/conf"
  # shellcheck disable=SC2086  # NEO4J_JAVA_OPTS is a list of options
  NEO4J_HOME="$home" NEO4J_CONF="$home/conf" java ${NEO4J_JAVA_OPTS:--Xms256m -Xmx1g} \
    -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" org.neo4j.cli.AdminTool "$@"
}

case "${1:-}" in
  up) up ;;
  admin) shift; admin "$@" ;;
  down) down ;;
  status) alive && bolt_answers ;;
  build) build ;;
  *) echo "usage: $0 up|down|status|build|admin ARGS..." >&2; exit 2 ;;
esac
