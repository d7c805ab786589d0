/**
 * The dependency rule of the ports-and-adapters layout: the domain imports
 * nothing outside itself, and use cases, inbox and outbox reach storage,
 * buses and frameworks only through ports.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../gateway/paths.js";

function importsOf(dir: string): Array<[string, string]> {
  const abs = join(PROJECT_ROOT, dir);
  return readdirSync(abs)
    .filter((f) => f.endsWith(".ts"))
    .flatMap((f) =>
      [...readFileSync(join(abs, f), "utf8").matchAll(/^import[^;]*? from "([^"]+)";/gms)].map(
        (m): [string, string] => [`${dir}/${f}`, m[1] ?? ""],
      ),
    );
}

describe("architecture: the dependency rule", () => {
  it("keeps gateway/domain free of I/O, frameworks and other layers", () => {
    const outside = importsOf("gateway/domain").filter(([, spec]) => !spec.startsWith("./"));
    expect(outside).to.deep.equal([]);
  });

  it("lets use cases, inbox and outbox use only domain, ports, codecs and their own helpers", () => {
    // node:async_hooks only carries the trace scope (AsyncLocalStorage, usecases/trace.ts): no I/O.
    const allowed =
      /^(\.\/|\.\.\/(domain|ports|codec|usecases|inbound)\/|node:crypto$|node:async_hooks$|opossum$|pino$)/;
    const layers = ["gateway/usecases", "gateway/inbound", "gateway/outbound"];
    const bad = layers.flatMap(importsOf).filter(([, spec]) => !allowed.test(spec));
    expect(bad).to.deep.equal([]);
  });

  it("keeps transports and stores out of the domain's and use cases' imports", () => {
    const layers = ["gateway/domain", "gateway/usecases", "gateway/inbound", "gateway/outbound"];
    const bad = layers
      .flatMap(importsOf)
      .filter(([, spec]) =>
        /(transports\/|\/store\/|runtime\/|^express$|^better-sqlite3$|^kafkajs$|^@grpc)/.test(spec),
      );
    expect(bad).to.deep.equal([]);
  });
});
