#!/usr/bin/env bash
# A local single-node Apache Kafka in KRaft mode, from Maven Central's jars, no Docker.
#   test/kafka/kafka.sh up      fetch (cached), format once, start, wait until it answers
#   test/kafka/kafka.sh down    stop it (SIGTERM, then SIGKILL after 30 s)
#   test/kafka/kafka.sh status  say whether it runs
# KAFKA_VERSION (default 3.9.1) picks the release; KAFKA_PORT (default 19092) the client port.
# KAFKA_SASL=1 starts it with SASL/SCRAM-SHA-256 and the standard authorizer (no ACL = no access):
# super user admin/admin-secret, and one user per KAFKA_SASL_USERS entry (default xr-430100 and
# xr-440100), each with the password <user>-secret. Use another KAFKA_PORT than a plain broker's.
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

security_properties() {
  if [ "${KAFKA_SASL:-0}" = "1" ]; then
    cat <<PROPS
listeners=SASL_PLAINTEXT://127.0.0.1:${PORT},CONTROLLER://127.0.0.1:${CONTROLLER_PORT}
advertised.listeners=SASL_PLAINTEXT://127.0.0.1:${PORT}
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-256
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-256
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="admin-secret";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
# The broker reaches its own controller over the loopback-only CONTROLLER listener as ANONYMOUS.
super.users=User:admin;User:ANONYMOUS
PROPS
  else
    cat <<PROPS
listeners=PLAINTEXT://127.0.0.1:${PORT},CONTROLLER://127.0.0.1:${CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:${PORT}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
PROPS
  fi
}

scram_users() {
  [ "${KAFKA_SASL:-0}" = "1" ] || return 0
  printf -- "--add-scram\nSCRAM-SHA-256=[name=admin,password=admin-secret]\n"
  for user in ${KAFKA_SASL_USERS:-xr-430100 xr-440100}; do
    printf -- "--add-scram\nSCRAM-SHA-256=[name=%s,password=%s-secret]\n" "${user}" "${user}"
  done
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
controller.listener.names=CONTROLLER
$(security_properties)
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
    local scram=()
    mapfile -t scram < <(scram_users)
    storage_tool format -t "${cluster}" -c "${RUN}/server.properties" "${scram[@]}" >"${RUN}/format.log" 2>&1
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
