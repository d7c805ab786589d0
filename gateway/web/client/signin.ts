/**
 * Staff sign-in: the page asks who is signed in (the gateway keeps the token
 * in an HttpOnly cookie, out of reach of scripts) and shows the sign-in form
 * when nobody is.
 */
import { ApiError, api } from "./api.js";
import { byId } from "./dom.js";

/** The signed-in staff member. */
export interface StaffJson {
  readonly name: string;
  readonly role: "clerk" | "handler" | "auditor" | "admin" | "manager";
  readonly region: string;
  /** The page's operations besides case steps (`submit`, `upload`) that the gateway takes from this role. */
  readonly operations?: readonly string[];
}

export const ROLE_LABELS: Record<StaffJson["role"], string> = {
  clerk: "窗口收件",
  handler: "办理",
  auditor: "审计",
  admin: "管理员",
  manager: "效能监督",
};

/** What a refused sign-in means, by error code; any other refusal is a wrong or expired token. */
const REFUSALS: Readonly<Record<string, string>> = {
  PERMISSION_DENIED: "该令牌属于其他地区的网关",
  TOO_MANY_REQUESTS: "尝试次数过多，请稍后再试",
};

/** Who is signed in, or undefined after showing the sign-in form (which reloads the page once signed in). */
export async function signedIn(): Promise<StaffJson | undefined> {
  const res = await fetch("/api/v1/session", { headers: { Accept: "application/json" } });
  if (res.ok) {
    const me = (await res.json()) as StaffJson;
    const name = byId("staff-name");
    name.textContent = `${me.name}（${ROLE_LABELS[me.role]}）`;
    name.hidden = false;
    const out = byId("sign-out");
    out.hidden = false;
    out.addEventListener("click", async () => {
      await fetch("/api/v1/session", { method: "DELETE" });
      location.reload();
    });
    return me;
  }
  if (res.status !== 401 && res.status !== 403) throw new Error(`HTTP ${res.status}`);
  byId("view-signin").hidden = false;
  const input = byId<HTMLInputElement>("signin-token");
  const error = byId("signin-error");
  input.focus();
  byId<HTMLFormElement>("signin-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await api("POST", "/session", { token: input.value });
      location.reload();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      error.hidden = false;
      error.textContent = REFUSALS[err.code] ?? "令牌无效或已过期";
      input.setAttribute("aria-invalid", "true");
      input.select();
    }
  });
  document.body.dataset.ready = "signin";
  return undefined;
}
