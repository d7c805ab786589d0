/** The ledger store suite against SQLite files, plus what only a file shows: durability. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { SqliteLedger } from "../../gateway/store/sqlite/ledger.js";
import { storeBehaviour } from "./store-behaviour.js";

const dir = mkdtempSync(join(tmpdir(), "xr-ledger-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let i = 0;

storeBehaviour("SQLite", async () => new SqliteLedger({ path: join(dir, `ledger-${i++}.db`) }));

describe("SQLite ledger file", () => {
  it("keeps what was written across close and reopen, and migrates once", async () => {
    const path = join(dir, "reopen.db");
    const a = new SqliteLedger({ path });
    await a.park({
      eventId: "E",
      caseId: "X",
      sourceRegion: "440100",
      sequence: 3,
      value: new Uint8Array([1]),
      parkedAt: "t",
    });
    await a.close();
    const b = new SqliteLedger({ path });
    expect(await b.countParked("X")).to.equal(1);
    await b.close();
  });
});
