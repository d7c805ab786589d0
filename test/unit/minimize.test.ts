/** Data minimisation: a collaborating region does not receive how to reach the applicant. */
import { expect } from "chai";
import { HandlingMode } from "../../gateway/domain/case.js";
import { caseFor, eventFor, payloadFor } from "../../gateway/domain/minimize.js";
import { event, personCase } from "../helpers/cases.js";

describe("data minimisation per partner", () => {
  const c = personCase({ mode: HandlingMode.MULTI_REGION, collaboratingRegions: ["420100"] });

  it("gives the intake and the handling region the whole case", () => {
    expect(caseFor(c, c.intakeRegion)).to.equal(c);
    expect(caseFor(c, c.handlingRegion)).to.equal(c);
  });

  it("gives a collaborating region the applicant's identity but no mobile, address or recipient", () => {
    const seen = caseFor(c, "420100");
    expect(seen.applicant).to.have.nested.property("person.name", "李建国");
    expect(seen.applicant).to.have.nested.property("person.idNumber").that.is.not.empty;
    expect(seen.applicant).to.have.nested.property("person.mobile", "");
    expect(seen.delivery).to.include({ recipient: "", mobile: "", address: "", postalCode: "" });
    expect(seen.delivery.method).to.equal(c.delivery.method);
    const payload = payloadFor({ type: "CaseSubmitted", case: c }, "420100");
    expect(payload).to.deep.equal({ type: "CaseSubmitted", case: seen });
  });

  it("shapes a timeline's events for a reader with the same function as bus payloads", () => {
    const submitted = event(c, c.intakeRegion, { type: "CaseSubmitted", case: c });
    expect(eventFor(submitted, "420100").payload).to.deep.equal(payloadFor(submitted.payload, "420100"));
    expect(eventFor(submitted, c.handlingRegion)).to.equal(submitted);
    const note = event(c, c.handlingRegion, { type: "HandlingNote", author: "张敏", text: "材料齐全" });
    expect(eventFor(note, "420100")).to.equal(note);
  });
});

describe("data minimisation of a corrected delivery (issue 16 item 7)", () => {
  const c = personCase({ mode: HandlingMode.MULTI_REGION, collaboratingRegions: ["420100"] });
  const corrected = {
    type: "DeliveryCorrected" as const,
    delivery: {
      method: "MAIL" as const,
      recipient: "李建国",
      mobile: "13807315678",
      address: "湖南省长沙市开福区湘江中路二段36号",
      postalCode: "410005",
      courier: "",
      waybillNo: "",
    },
    reason: "原地址门牌号有误",
  };

  it("gives the new address to the intake and the handling region only", () => {
    expect(payloadFor(corrected, c.intakeRegion, c)).to.equal(corrected);
    expect(payloadFor(corrected, c.handlingRegion, c)).to.equal(corrected);
    const seen = payloadFor(corrected, "420100", c);
    expect(seen).to.deep.equal({
      ...corrected,
      delivery: { ...corrected.delivery, recipient: "", mobile: "", address: "", postalCode: "" },
    });
  });

  it("strips it for everyone when the case's parties are not given (the safe side), in timelines too", () => {
    expect(payloadFor(corrected, c.handlingRegion)).to.have.nested.property("delivery.address", "");
    const e = event(c, c.intakeRegion, corrected);
    expect(eventFor(e, "420100", c).payload).to.have.nested.property("delivery.mobile", "");
    expect(eventFor(e, c.handlingRegion, c)).to.equal(e);
  });
});
