#!/usr/bin/env bash
# A local single-node Apache Kafka in KRaft mode, from Maven Central's jars, no Docker.
#   test/kafka/kafka.sh up      fetch (cached), format once, start, wait until it answers
#   test/kafka/kafka.sh down    stop it (SIGTERM, then SIGKILL after 30 s)
#   test/kafka/kafka.sh status  say whether it runs
# KAFKA_VERSION (default 3.9.1) picks the release; KAFKA_PORT (default 19092) the client port.
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION="${KAFKA_VERSION:-3.9.1}"
PORT="${KAFKA_PORT:-19092}"
CONTROLLER_PORT="$((PORT + 1))"
CACHE=".cache/kafka/${VERSION}"
RUN=".cache/kafka-run/${PORT}"
LIBS="${CACHE}/libs"
PIDFILE="${RUN}/kafka.pid"

fetch() {
  if [ ! -f "${LIBS}/.complete" ]; then
    echo "kafka: fetching Apache Kafka ${VERSION} jars from Maven Central into ${LIBS}" >&2
    rm -rf "${LIBS}"
    mvn -q -B -f test/kafka/pom.xml -Dkafka.version="${VERSION}" dependency:copy-dependencies \
      -DoutputDirectory="$(pwd)/${LIBS}" >&2
    touch "${LIBS}/.complete"
  fi
}

running() { [ -f "${PIDFILE}" ] && kill -0 "$(cat "${PIDFILE}")" 2>/dev/null; }

storage_tool() {
  # 3.x keeps StorageTool in kafka.tools; 4.x too, with org.apache.kafka.tools as a fallback.
  java -cp "${LIBS}/*" kafka.tools.StorageTool "$@" 2>/dev/null || java -cp "${LIBS}/*" org.apache.kafka.tools.StorageTool "$@"
}

up() {
  if running; then echo "kafka: already running on 127.0.0.1:${PORT} (pid $(cat "${PIDFILE}"))"; return; fi
  command -v java >/dev/null || { echo "kafka: java is not installed" >&2; exit 3; }
  fetch
  mkdir -p "${RUN}"
  cat > "${RUN}/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${CONTROLLER_PORT}
listeners=PLAINTEXT://127.0.0.1:${PORT},CONTROLLER://127.0.0.1:${CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:${PORT}
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$(pwd)/${RUN}/data-${VERSION}
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.retention.hours=24
PROPS
  if [ ! -f "${RUN}/data-${VERSION}/meta.properties" ]; then
    local cluster
    cluster="$(storage_tool random-uuid | tail -1)"
    storage_tool format -t "${cluster}" -c "${RUN}/server.properties" >"${RUN}/format.log" 2>&1
  fi
  nohup java -Xms256m -Xmx768m -XX:+UseG1GC -Dlog4j.configuration=none \
    -cp "${LIBS}/*" kafka.Kafka "${RUN}/server.properties" >"${RUN}/kafka.log" 2>&1 &
  echo $! > "${PIDFILE}"
  for _ in $(seq 1 120); do
    if ! running; then echo "kafka: exited during start; see ${RUN}/kafka.log" >&2; tail -20 "${RUN}/kafka.log" >&2; exit 1; fi
    if grep -q "Kafka Server started\|\[KafkaRaftServer nodeId=1\] Kafka Server started" "${RUN}/kafka.log" 2>/dev/null; then
      echo "kafka: Apache Kafka ${VERSION} up on 127.0.0.1:${PORT} (pid $(cat "${PIDFILE}")); KAFKA_BROKERS=127.0.0.1:${PORT}"
      return
    fi
    sleep 0.5
  done
  echo "kafka: not up after 60 s; see ${RUN}/kafka.log" >&2
  kill -9 "$(cat "${PIDFILE}")" 2>/dev/null || true
  rm -f "${PIDFILE}"
  exit 1
}

down() {
  if ! running; then echo "kafka: not running"; rm -f "${PIDFILE}"; return; fi
  local pid; pid="$(cat "${PIDFILE}")"
  kill "${pid}"
  for _ in $(seq 1 60); do kill -0 "${pid}" 2>/dev/null || { rm -f "${PIDFILE}"; echo "kafka: stopped"; return; }; sleep 0.5; done
  kill -9 "${pid}" 2>/dev/null || true
  rm -f "${PIDFILE}"
  echo "kafka: killed after 30 s"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) if running; then echo "kafka: running on 127.0.0.1:${PORT}"; else echo "kafka: not running"; exit 1; fi ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
