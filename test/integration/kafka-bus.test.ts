/** The bus behaviour suite, unchanged, against a real Apache Kafka broker. */

import { createLogger } from "../../gateway/runtime/logger.js";
import { KafkaBus } from "../../gateway/transports/kafka/bus.js";
import { describeKafka, kafkaBrokers, kafkaLabel } from "../kafka/broker.js";
import { busBehaviour } from "./bus-behaviour.js";

describeKafka(`Kafka transport (${kafkaLabel()})`, () => {
  busBehaviour(
    "Kafka (kafkajs, real broker)",
    async (name) =>
      new KafkaBus({
        brokers: kafkaBrokers() ?? [],
        clientId: `xr-test-${name}`,
        log: createLogger("fatal"),
        retryDelayMs: 20,
      }),
  );
});
