/** The suite-wide log scan (test/helpers/log-scan.ts) finds what it must and passes what it should. */
import { Writable } from "node:stream";
import { expect } from "chai";
import { createLogger } from "../../gateway/runtime/logger.js";
import { personCase } from "../helpers/cases.js";
import { residentId } from "../helpers/fixtures.js";
import { personalDataIn } from "../helpers/log-scan.js";

describe("log scan for personal data", () => {
  it("finds a valid resident ID, a mobile number and a street address", () => {
    const id = residentId();
    const line = JSON.stringify({ msg: "oops", note: `${id} 13807311234 湖南省长沙市岳麓区麓山南路932号` });
    expect(personalDataIn(line)).to.deep.equal([
      `resident ID ${id}`,
      "mobile 13807311234",
      "address 湖南省长沙市岳麓区麓山南路932号",
    ]);
  });

  it("passes ids, trace ids, timestamps and waybill numbers", () => {
    const line = JSON.stringify({
      time: 1795695789121,
      caseId: "01M8BV0R80C2EY4X5Z84TWFR1X",
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      waybillNo: "1151234567890",
      sizeBytes: "52428800",
    });
    expect(personalDataIn(line)).to.deep.equal([]);
  });

  it("finds nothing in what the gateway's logger writes about a whole case (redaction)", () => {
    let out = "";
    const sink = new Writable({
      write(chunk, _e, cb) {
        out += String(chunk);
        cb();
      },
    });
    const c = personCase();
    createLogger("info", sink).info({ case: c, applicant: c.applicant, delivery: c.delivery }, "case");
    expect(out).to.include("[redacted]");
    expect(personalDataIn(out)).to.deep.equal([]);
    // Names have no shape the logger's last-resort scrub (scrubLine) knows: only redaction by path hides them.
    expect(out).to.not.include(c.delivery.recipient);
  });
});
