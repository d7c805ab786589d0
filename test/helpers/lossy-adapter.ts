/**
 * A deliberately broken adapter for the conformance kit's tests: 浏阳's
 * declarative adapter, except that its case records lose the postal code.
 */
import { declarativeAdapter } from "../../adapters/sdk/declarative.js";
import type { RegionAdapter } from "../../gateway/ports/adapter.js";

const base = declarativeAdapter("430181");

const lossy: RegionAdapter = {
  ...base,
  caseToLocal: (c, catalog, ctx) =>
    base.caseToLocal({ ...c, delivery: { ...c.delivery, postalCode: "" } }, catalog, ctx),
};

export default lossy;
