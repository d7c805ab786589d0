import { expect } from "chai";
import {
  checkCreditCode,
  checkMobile,
  checkPostalCode,
  checkRecordId,
  checkRegionCode,
  checkResidentId,
  checkSha256,
  creditCodeCheckChar,
  residentIdCheckChar,
} from "../../gateway/domain/ids.js";
import { sha256Of } from "../helpers/cases.js";

const CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/** Replaces the last character with a different one from `alphabet`. */
function wrongLast(value: string, alphabet: string): string {
  const last = value.at(-1);
  const other = [...alphabet].find((ch) => ch !== last);
  return value.slice(0, -1) + other;
}

describe("ids: resident identity number (GB 11643)", () => {
  it("computes the published check character of the GB 11643 example 11010519491231002X", () => {
    expect(residentIdCheckChar("11010519491231002")).to.equal("X");
    expect(checkResidentId("11010519491231002X")).to.equal(undefined);
  });

  const first17s = [
    "43010219900307123", // 长沙 芙蓉区, 1990-03-07
    "44010619850615234", // 广州 天河区, 1985-06-15
    "43010419920229001", // 1992 is a leap year: Feb 29 exists
    "43010219880315018", // its check character is X
  ];
  for (const first17 of first17s) {
    const id = first17 + residentIdCheckChar(first17);
    it(`accepts ${id} built with its check character`, () => {
      expect(id).to.match(/^\d{17}[\dX]$/);
      expect(checkResidentId(id)).to.equal(undefined);
    });
  }

  it("one of the valid examples above ends in X", () => {
    expect(first17s.map((f) => residentIdCheckChar(f))).to.include("X");
  });

  it("refuses a wrong check character and names the expected one", () => {
    const first17 = "44010619850615234";
    const right = residentIdCheckChar(first17);
    const wrong = wrongLast(first17 + right, "0123456789X");
    const issue = checkResidentId(wrong);
    expect(issue).to.be.a("string").that.includes("check character");
    expect(issue).to.include(`expected ${right}`);
  });

  it("refuses a lowercase x check character", () => {
    expect(checkResidentId("11010519491231002x")).to.be.a("string");
  });

  it("refuses an impossible birth date (Feb 30), even with a matching check character", () => {
    const first17 = "43010219900230123";
    const issue = checkResidentId(first17 + residentIdCheckChar(first17));
    expect(issue).to.be.a("string").that.includes("birth date");
  });

  it("refuses Feb 29 in a non-leap year and month 13", () => {
    for (const first17 of ["43010219930229001", "43010219901301001"]) {
      expect(checkResidentId(first17 + residentIdCheckChar(first17))).to.include("birth date");
    }
  });

  it("refuses wrong lengths and non-digits", () => {
    const valid = "11010519491231002X";
    for (const v of [valid.slice(0, 17), `${valid}0`, "", "1101051949123100", "1101051949123A002X"]) {
      expect(checkResidentId(v), v).to.include("17 digits");
    }
  });
});

describe("ids: unified social credit code (GB 32100)", () => {
  it("accepts published real-world codes (independent check of the algorithm)", () => {
    expect(checkCreditCode("91350100M000100Y43")).to.equal(undefined);
    expect(checkCreditCode("914403001922038216")).to.equal(undefined);
  });

  const first17s = ["91440101MA5CXXXX0", "91430100MA4L12345", "92430102MA4QE8M9Y", "12440000455858990"];
  for (const first17 of first17s) {
    it(`accepts ${first17}+check character`, () => {
      for (const ch of first17.slice(8)) expect(CREDIT_ALPHABET, `char ${ch}`).to.include(ch);
      const code = first17 + creditCodeCheckChar(first17);
      expect(code).to.have.length(18);
      expect(checkCreditCode(code)).to.equal(undefined);
    });
  }

  it("refuses a wrong check character and names the expected one", () => {
    const first17 = "91440101MA5CXXXX0";
    const right = creditCodeCheckChar(first17);
    const issue = checkCreditCode(wrongLast(first17 + right, CREDIT_ALPHABET));
    expect(issue).to.be.a("string").that.includes(`expected ${right}`);
  });

  for (const letter of ["I", "O", "S", "V", "Z"]) {
    it(`refuses the forbidden letter ${letter}`, () => {
      const first17 = `91440101MA5C${letter}XXX0`;
      // Even the "check character" the function computes for it does not help.
      expect(checkCreditCode(first17 + creditCodeCheckChar(first17))).to.include("except I, O, S, V, Z");
    });
  }

  it("refuses lowercase letters, letters in the 6-digit region part and wrong lengths", () => {
    expect(checkCreditCode("91440101ma5cxxxx08")).to.be.a("string");
    expect(checkCreditCode("9144A101MA5CXXXX08")).to.be.a("string");
    expect(checkCreditCode("91440101MA5CXXXX0")).to.be.a("string");
    expect(checkCreditCode("91440101MA5CXXXX088")).to.be.a("string");
  });
});

describe("ids: mobile, postal code, region code, sha256", () => {
  it("mobile: 11 digits starting 13–19", () => {
    expect(checkMobile("13874561234")).to.equal(undefined);
    expect(checkMobile("19912345678")).to.equal(undefined);
    for (const bad of ["12874561234", "1387456123", "138745612345", "+8613874561234", "1387456123a"]) {
      expect(checkMobile(bad), bad).to.be.a("string");
    }
  });

  it("postal code: exactly six digits", () => {
    expect(checkPostalCode("410011")).to.equal(undefined);
    expect(checkPostalCode("510620")).to.equal(undefined);
    for (const bad of ["41001", "4100111", "41001A", ""]) expect(checkPostalCode(bad), bad).to.be.a("string");
  });

  it("region code: six digits with a first digit 1–8", () => {
    expect(checkRegionCode("430100")).to.equal(undefined);
    expect(checkRegionCode("440100")).to.equal(undefined);
    for (const bad of ["030100", "930100", "43010", "4301000", "43010A"]) {
      expect(checkRegionCode(bad), bad).to.be.a("string");
    }
  });

  it("case and event id: 26 characters of 0-9 and A-Z", () => {
    expect(checkRecordId("01JCXF7M3N9P2Q4R6S8T0V1W3X")).to.equal(undefined);
    for (const bad of [
      "01jcxf7m3n9p2q4r6s8t0v1w3x",
      "01JCXF7M3N9P2Q4R6S8T0V1W3",
      "01JCXF7M3N9P2Q4R6S8T0V1W3XY",
      "13807311234",
      "",
    ]) {
      expect(checkRecordId(bad), bad).to.be.a("string");
    }
  });

  it("sha256: 64 lowercase hex characters", () => {
    const digest = sha256Of("居民身份证.pdf");
    expect(checkSha256(digest)).to.equal(undefined);
    expect(checkSha256("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")).to.equal(
      undefined,
    );
    expect(checkSha256(digest.toUpperCase())).to.be.a("string");
    expect(checkSha256(digest.slice(1))).to.be.a("string");
    expect(checkSha256(`${digest}0`)).to.be.a("string");
    expect(checkSha256(`${digest.slice(1)}g`)).to.be.a("string");
  });
});
