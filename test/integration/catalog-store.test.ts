/**
 * The store of partners' catalogs, on SQLite and on PostgreSQL: versions saved
 * whole and kept within bounds, lookups by shared and local code, substring
 * search of two and of three or more characters, the mode filter, paging, and
 * everything still there after reopening.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { HandlingMode } from "../../gateway/domain/case.js";
import type { Matter } from "../../gateway/domain/matter.js";
import { type CatalogStore, KEPT_CATALOG_VERSIONS } from "../../gateway/ports/catalogs.js";
import { PgCatalogStore } from "../../gateway/store/pg/catalogs.js";
import { SqliteCatalogStore } from "../../gateway/store/sqlite/catalogs.js";
import { describePostgres, dropSchemas, postgresUrl, testSchema } from "../helpers/postgres.js";

const NAMES = [
  "基本养老保险关系转移接续",
  "城乡居民养老保险参保登记",
  "户籍迁移登记",
  "居民身份证换领",
  "不动产登记资料查询",
  "企业设立登记",
  "失业保险金申领",
  "医疗保险关系转移接续",
];

function matter(i: number, version: string): Matter {
  const name = NAMES[i % NAMES.length] as string;
  return {
    code: `XR-TS-${String(i).padStart(3, "0")}`,
    name,
    regionCode: "440100",
    localCode: `GZ-Ab-${String(i).padStart(4, "0")}`,
    localName: `广州市${name}`,
    department: "广州市人力资源和社会保障局",
    promisedDays: 5 + (i % 10),
    modes:
      i % 2 === 0 ? [HandlingMode.FULL_ONLINE, HandlingMode.REMOTE_INTAKE] : [HandlingMode.REMOTE_INTAKE],
    materials: [{ materialCode: "CL-SFZ", name: "居民身份证", required: true }],
    category: "SB",
    catalogVersion: version,
    applicant: "PERSON",
  };
}

const catalog = (version: string, n = 40) => Array.from({ length: n }, (_, i) => matter(i, version));

function catalogStoreBehaviour(name: string, open: (reopen?: boolean) => Promise<CatalogStore>): void {
  describe(`catalog store on ${name}`, () => {
    let store: CatalogStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(() => store.close());

    it("saves a version whole, names it the newest, and finds a matter by shared or local code", async () => {
      await store.save("440100", "v1", catalog("v1"));
      expect(await store.newest()).to.deep.equal([{ region: "440100", version: "v1", matterCount: 40 }]);
      expect(await store.matter("440100", "v1", "XR-TS-007")).to.deep.equal(matter(7, "v1"));
      expect((await store.matter("440100", "v1", "GZ-Ab-0007"))?.code).to.equal("XR-TS-007");
      expect(await store.matter("440100", "v1", "XR-TS-999")).to.equal(undefined);
      expect(await store.matter("430100", "v1", "XR-TS-007"), "another region").to.equal(undefined);
    });

    it("keeps earlier versions for the cases filed under them, within bounds", async () => {
      const last = KEPT_CATALOG_VERSIONS + 3;
      for (let v = 1; v <= last; v++) {
        const changed = catalog(`v${v}`, 3).map((m) => ({ ...m, promisedDays: v }));
        await store.save("440100", `v${v}`, changed);
      }
      await store.save("430100", "cs1", catalog("cs1", 2));
      const newest = await store.newest();
      expect(newest.find((s) => s.region === "440100")).to.deep.equal({
        region: "440100",
        version: `v${last}`,
        matterCount: 3,
      });
      expect(newest.find((s) => s.region === "430100")?.version).to.equal("cs1");
      const kept = last - KEPT_CATALOG_VERSIONS;
      expect((await store.matter("440100", `v${kept}`, "XR-TS-001"))?.promisedDays).to.equal(kept);
      expect(await store.matter("440100", `v${kept - 1}`, "XR-TS-001"), "dropped").to.equal(undefined);
      expect(await store.search("440100", `v${kept - 1}`, { q: "", offset: 0, limit: 10 })).to.deep.equal([]);
      // Saving a stored version again replaces it.
      await store.save("440100", `v${last}`, catalog(`v${last}`, 5));
      expect(await store.search("440100", `v${last}`, { q: "", offset: 0, limit: 10 })).to.have.length(5);
    });

    it("searches by substring of two or more Chinese characters, codes in any case, with the mode filter", async () => {
      await store.save("440100", "v1", catalog("v1"));
      await store.save("430100", "cs1", catalog("cs1"));
      const codes = async (q: string, mode?: HandlingMode) =>
        (await store.search("440100", "v1", { q, mode, offset: 0, limit: 100 })).map((m) => m.code);
      const expected = (test: (m: Matter) => boolean) =>
        catalog("v1")
          .filter(test)
          .map((m) => m.code);
      // Two characters: below what the trigram indexes find.
      expect(await codes("户籍"))
        .to.deep.equal(expected((m) => m.name.includes("户籍")))
        .and.have.length(5);
      expect(await codes("养老保险")).to.deep.equal(expected((m) => m.name.includes("养老保险")));
      expect(await codes("转移接续", HandlingMode.FULL_ONLINE)).to.deep.equal(
        expected((m) => m.name.includes("转移接续") && m.modes.includes(HandlingMode.FULL_ONLINE)),
      );
      expect(await codes("广州市户籍")).to.deep.equal(expected((m) => m.name.includes("户籍")));
      expect(await codes("xr-ts-01")).to.deep.equal(expected((m) => m.code.startsWith("XR-TS-01")));
      expect(await codes("gz-ab-0003")).to.deep.equal(["XR-TS-003"]);
      expect(await codes("登记")).to.deep.equal(expected((m) => m.name.includes("登记")));
      expect(await codes("无此事项")).to.deep.equal([]);
      expect(await codes("%"), "LIKE wildcards are plain characters").to.deep.equal([]);
      expect(await codes("", HandlingMode.MULTI_REGION)).to.deep.equal([]);
    });

    it("pages in catalog order", async () => {
      await store.save("440100", "v1", catalog("v1"));
      const all = catalog("v1").filter((m) => m.name.includes("保险"));
      const pages: string[] = [];
      for (let offset = 0; offset < all.length + 3; offset += 3) {
        const page = await store.search("440100", "v1", { q: "保险", offset, limit: 3 });
        pages.push(...page.map((m) => m.code));
      }
      expect(pages).to.deep.equal(all.map((m) => m.code));
    });

    it("still has every version after reopening", async () => {
      await store.save("440100", "v1", catalog("v1"));
      await store.save("440100", "v2", catalog("v2", 7));
      await store.close();
      store = await open(true);
      expect(await store.newest()).to.deep.equal([{ region: "440100", version: "v2", matterCount: 7 }]);
      expect((await store.matter("440100", "v1", "XR-TS-030"))?.catalogVersion).to.equal("v1");
      for (const q of ["身份", "身份证换"]) {
        const found = await store.search("440100", "v2", { q, offset: 0, limit: 10 });
        expect(found.map((m) => [m.code, m.catalogVersion])).to.deep.equal([["XR-TS-003", "v2"]]);
      }
      expect(
        (await store.search("440100", "v1", { q: "身份证换", offset: 0, limit: 10 })).map((m) => m.code),
      ).to.deep.equal(["XR-TS-003", "XR-TS-011", "XR-TS-019", "XR-TS-027", "XR-TS-035"]);
    });
  });
}

describe("catalog store", () => {
  let dir: string;
  let n = 0;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "xr-catalog-store-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  catalogStoreBehaviour("SQLite", async (reopen) => {
    if (!reopen) n++;
    return new SqliteCatalogStore(join(dir, `ledger-${n}.db`));
  });
});

describePostgres("catalog store (PostgreSQL)", () => {
  const schemas: string[] = [];
  after(() => dropSchemas(schemas));
  catalogStoreBehaviour("PostgreSQL", async (reopen) => {
    if (!reopen) schemas.push(testSchema());
    return PgCatalogStore.open(postgresUrl(), schemas.at(-1) as string);
  });
});
