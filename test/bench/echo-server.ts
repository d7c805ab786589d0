/**
 * The benchmark's baseline: a bare express 5 JSON echo server, the least any
 * express JSON API can cost. Run by intake.bench.ts as
 * `node --import tsx test/bench/echo-server.ts`; prints `{"port":N}`.
 */
import type { AddressInfo } from "node:net";
import express from "express";
import { announce, onShutdown } from "./child.js";

const app = express();
app.use(express.json({ limit: "256kb" }));
app.post("/echo", (req, res) => res.status(201).json(req.body));

const server = app.listen(0, "127.0.0.1", (err?: Error) => {
  if (err) {
    console.error("echo server failed to listen:", err);
    process.exit(1);
  }
  announce({ port: (server.address() as AddressInfo).port });
});

onShutdown(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);
