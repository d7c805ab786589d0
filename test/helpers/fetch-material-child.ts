/**
 * Child process of the large-material test: the receiving side of a
 * FetchMaterial transfer (the handling region's client and material store),
 * alone in its process so its memory can be measured. Prints one JSON line:
 * the stored material, the peak RSS, and the peak of live memory (JS heap
 * plus buffers, sampled right after a forced collection every 50 ms, so
 * garbage the collector has not reached yet does not count). With
 * XR_BASELINE=1 it loads and connects the same way but transfers nothing.
 * Run with --expose-gc.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "../../gateway/runtime/logger.js";
import { readRegionCredentials } from "../../gateway/security/keys-dir.js";
import { FsMaterialStore } from "../../gateway/store/fs/material-files.js";
import { PartnerGateways } from "../../gateway/transports/grpc/partners.js";

const { XR_KEYS_DIR, XR_PARTNER_ADDRESS, XR_CASE_ID, XR_SHA256, XR_BASELINE } = process.env;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");
let peakRss = 0;
let peakLive = 0;
let ticks = 0;
const sample = () => {
  if (++ticks % 10 === 0) {
    gc();
    const m = process.memoryUsage();
    peakLive = Math.max(peakLive, m.heapUsed + m.external);
  }
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const timer = setInterval(sample, 5);
const partners = new PartnerGateways({
  region: "440100",
  security: "mtls",
  credentials: readRegionCredentials(String(XR_KEYS_DIR), "440100"),
  addresses: () => new Map([["430100", String(XR_PARTNER_ADDRESS)]]),
  log: createLogger("silent"),
});
const store = new FsMaterialStore(mkdtempSync(join(tmpdir(), "xr-fetch-child-")));
// Both runs make one call, so both pay for the channel, TLS and the code; only one moves 50 MB.
await partners.listMatters("430100", { pageSize: 1 });
const stored =
  XR_BASELINE === "1"
    ? undefined
    : await partners.fetchMaterial("430100", String(XR_CASE_ID), String(XR_SHA256), store);
sample();
clearInterval(timer);
partners.close();
gc();
peakLive = Math.max(peakLive, process.memoryUsage().heapUsed + process.memoryUsage().external);
process.stdout.write(`${JSON.stringify({ stored, peakRss, peakLive })}\n`);
process.exit(0);
