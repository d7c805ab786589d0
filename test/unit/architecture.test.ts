/**
 * The dependency rule of the ports-and-adapters layout: the domain imports
 * nothing outside itself, ports only the domain, use cases, inbox and outbox
 * reach storage, buses and frameworks only through ports, and no module
 * imports itself back through others.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../gateway/paths.js";

/** What a file imports or re-exports (type-only included), as written. */
function specifiersOf(file: string): string[] {
  const text = readFileSync(join(PROJECT_ROOT, file), "utf8");
  return [...text.matchAll(/^(?:import|export)[^;]*? from "([^"]+)";/gms)].map((m) => m[1] ?? "");
}

function importsOf(dir: string): Array<[string, string]> {
  return readdirSync(join(PROJECT_ROOT, dir))
    .filter((f) => f.endsWith(".ts"))
    .flatMap((f) => specifiersOf(`${dir}/${f}`).map((spec): [string, string] => [`${dir}/${f}`, spec]));
}

/** Source files under `dir`, generated code apart. */
function sourcesUnder(dir: string): string[] {
  return readdirSync(join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name === "generated" || e.name === "node_modules" ? [] : sourcesUnder(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every cycle of relative imports among `files`, each as the path that closes it. */
function importCycles(files: readonly string[]): string[] {
  const known = new Set(files);
  const edges = new Map(
    files.map((f) => [
      f,
      specifiersOf(f)
        .filter((spec) => spec.startsWith("."))
        .map((spec) => posix.join(posix.dirname(f), spec).replace(/\.js$/, ".ts"))
        .filter((target) => known.has(target)),
    ]),
  );
  const done = new Set<string>();
  const cycles: string[] = [];
  const visit = (f: string, path: string[]) => {
    const at = path.indexOf(f);
    if (at >= 0) {
      cycles.push([...path.slice(at), f].join(" -> "));
      return;
    }
    if (done.has(f)) return;
    for (const next of edges.get(f) ?? []) visit(next, [...path, f]);
    done.add(f);
  };
  for (const f of files) visit(f, []);
  return cycles;
}

describe("architecture: the dependency rule", () => {
  it("keeps gateway/domain free of I/O, frameworks and other layers", () => {
    const outside = importsOf("gateway/domain").filter(([, spec]) => !spec.startsWith("./"));
    expect(outside).to.deep.equal([]);
  });

  it("lets ports name only domain types (type imports included)", () => {
    const outside = importsOf("gateway/ports").filter(([, spec]) => !/^\.\/|^\.\.\/domain\//.test(spec));
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

  it("has no import cycle among the gateway's and the adapters' modules", () => {
    expect(importCycles([...sourcesUnder("gateway"), ...sourcesUnder("adapters")])).to.deep.equal([]);
  });
});
