import { expect } from "chai";
import { parseRequest, submitCaseSchema } from "../../gateway/contract/requests.js";
import { ErrorCode, XrError } from "../../gateway/domain/errors.js";
import { ORG_CREDIT_CODE, PERSON_ID, sha256Of } from "../helpers/cases.js";

/** A valid SubmitCaseRequest body as a REST client would send it. */
function body(): Record<string, unknown> {
  return {
    mode: "REMOTE_INTAKE",
    matterCode: "XR-SB-001",
    intakeRegion: "430100",
    handlingRegion: "440100",
    applicant: { person: { name: "李建国", idNumber: PERSON_ID, mobile: "13874561234" } },
    materials: [
      {
        materialCode: "CL-SFZ",
        name: "居民身份证",
        sha256: sha256Of("居民身份证.pdf"),
        sizeBytes: 524288,
        mediaType: "application/pdf",
      },
      {
        materialCode: "CL-CBPZ",
        name: "基本养老保险参保缴费凭证",
        sha256: sha256Of("参保缴费凭证.pdf"),
        sizeBytes: 1048576,
      },
    ],
    delivery: {
      method: "MAIL",
      recipient: "李建国",
      mobile: "13874561234",
      address: "湖南省长沙市芙蓉区五一大道189号",
      postalCode: "410011",
    },
  };
}

function parseError(input: unknown): XrError {
  try {
    parseRequest(submitCaseSchema, input);
  } catch (err) {
    expect(err).to.be.instanceOf(XrError);
    expect((err as XrError).code).to.equal(ErrorCode.INVALID_ARGUMENT);
    return err as XrError;
  }
  expect.fail("parseRequest accepted the body");
}

const paths = (err: XrError) => err.details.map((d) => d.path);

describe("requests: parseRequest(submitCaseSchema)", () => {
  it("parses a valid body and fills the defaults", () => {
    const r = parseRequest(submitCaseSchema, body());
    expect(r.mode).to.equal("REMOTE_INTAKE");
    expect(r.applicant).to.deep.equal({
      person: { name: "李建国", idNumber: PERSON_ID, mobile: "13874561234" },
    });
    expect(r.collaboratingRegions).to.deep.equal([]);
    expect(r.materials[1]?.mediaType).to.equal("application/pdf");
    expect(r.delivery).to.include({ courier: "", waybillNo: "", postalCode: "410011" });
  });

  it("parses an organization applicant", () => {
    const b = body();
    b.matterCode = "XR-SC-002";
    b.applicant = {
      organization: {
        name: "广州市天河区粤湘贸易有限公司",
        creditCode: ORG_CREDIT_CODE,
        legalRepresentative: "陈晓明",
      },
    };
    const r = parseRequest(submitCaseSchema, b);
    expect(r.applicant).to.have.property("organization").that.include({ creditCode: ORG_CREDIT_CODE });
    expect(r.applicant).to.not.have.property("person");
  });

  it("refuses an unknown top-level field, naming it", () => {
    const err = parseError({ ...body(), priority: "high" });
    expect(paths(err)).to.deep.equal(["priority"]);
    expect(err.details[0]?.issue).to.equal("unknown field");
  });

  it("refuses an unknown nested field with its full path", () => {
    const b = body();
    b.applicant = { person: { name: "李建国", idNumber: PERSON_ID, mobile: "13874561234", gender: "男" } };
    expect(paths(parseError(b))).to.deep.equal(["applicant.person.gender"]);
  });

  it("refuses a resident ID with a wrong check character at applicant.person.idNumber", () => {
    const b = body();
    const wrong = PERSON_ID.slice(0, 17) + (PERSON_ID.endsWith("0") ? "1" : "0");
    b.applicant = { person: { name: "李建国", idNumber: wrong, mobile: "13874561234" } };
    const err = parseError(b);
    expect(paths(err)).to.deep.equal(["applicant.person.idNumber"]);
    expect(err.details[0]?.issue).to.include("check character");
  });

  it("refuses a bad credit code at applicant.organization.creditCode", () => {
    const b = body();
    b.applicant = {
      organization: {
        name: "广州市天河区粤湘贸易有限公司",
        creditCode: "91440101MA59PQ7K3O",
        legalRepresentative: "陈晓明",
      },
    };
    expect(paths(parseError(b))).to.deep.equal(["applicant.organization.creditCode"]);
  });

  it("refuses both person and organization at applicant", () => {
    const b = body();
    b.applicant = {
      person: { name: "李建国", idNumber: PERSON_ID, mobile: "13874561234" },
      organization: {
        name: "广州市天河区粤湘贸易有限公司",
        creditCode: ORG_CREDIT_CODE,
        legalRepresentative: "陈晓明",
      },
    };
    const err = parseError(b);
    expect(paths(err)).to.deep.equal(["applicant"]);
    expect(err.details[0]?.issue).to.include("exactly one");
  });

  it("refuses neither person nor organization at applicant", () => {
    const b = body();
    b.applicant = {};
    expect(paths(parseError(b))).to.deep.equal(["applicant"]);
  });

  it("refuses a bad sha256 at materials[0].sha256", () => {
    const b = body();
    const materials = b.materials as Array<Record<string, unknown>>;
    materials[0] = { ...materials[0], sha256: sha256Of("x").toUpperCase() };
    expect(paths(parseError(b))).to.deep.equal(["materials[0].sha256"]);
  });

  it("accepts sizeBytes as a numeric string (proto3 JSON uint64) and makes it a number", () => {
    const b = body();
    const materials = b.materials as Array<Record<string, unknown>>;
    materials[0] = { ...materials[0], sizeBytes: "524288" };
    const r = parseRequest(submitCaseSchema, b);
    expect(r.materials[0]?.sizeBytes).to.equal(524288);
  });

  it("refuses a non-numeric or zero sizeBytes", () => {
    for (const sizeBytes of ["12kB", "-5", 0]) {
      const b = body();
      const materials = b.materials as Array<Record<string, unknown>>;
      materials[1] = { ...materials[1], sizeBytes };
      expect(paths(parseError(b)), String(sizeBytes)).to.deep.equal(["materials[1].sizeBytes"]);
    }
  });

  it("reports a missing required field as 'is required' and lists every problem at once", () => {
    const { matterCode: _m, ...rest } = body();
    const err = parseError({ ...rest, intakeRegion: "030100" });
    expect(paths(err)).to.have.members(["matterCode", "intakeRegion"]);
    expect(err.details.find((d) => d.path === "matterCode")?.issue).to.equal("is required");
    expect(err.message).to.include("matterCode").and.to.include("intakeRegion");
  });
});

describe("requests: the other spellings proto3 JSON allows", () => {
  it("accepts snake_case field names, null for defaults and enum numbers", () => {
    const canonical = parseRequest(submitCaseSchema, body());
    const b = body() as any;
    const other = {
      mode: 2,
      matter_code: b.matterCode,
      intake_region: b.intakeRegion,
      handling_region: b.handlingRegion,
      applicant: {
        person: {
          name: b.applicant.person.name,
          id_number: b.applicant.person.idNumber,
          mobile: b.applicant.person.mobile,
        },
      },
      materials: b.materials.map((m: Record<string, unknown>) => ({
        ...m,
        material_code: m.materialCode,
        materialCode: undefined,
      })),
      delivery: { ...b.delivery, method: 1, postal_code: b.delivery.postalCode, postalCode: undefined },
      collaborating_regions: null,
    };
    expect(parseRequest(submitCaseSchema, JSON.parse(JSON.stringify(other)))).to.deep.equal(canonical);
  });
});
