/** The few DOM helpers the page needs: build elements without innerHTML (no injection), find them by id, follow a stream. */

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined>;

const present = (children: Child[]) => children.filter((c): c is Node | string => c != null && c !== false);

/** Creates `<tag>` with attributes (true → present, false/undefined → absent) and children (text is escaped). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? "" : String(value));
  }
  el.append(...present(children));
  return el;
}

/** The element with `id`; throws when the page lacks it (a bug in index.html, not a user error). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html has no #${id}`);
  return el as T;
}

/** Replaces the children of `el`. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren(...present(children));
}

/** One `<dt>`/`<dd>` pair of a summary list. */
export function term(name: string, ...value: Child[]): HTMLElement[] {
  return [h("dt", {}, name), h("dd", {}, ...value)];
}

let stream: EventSource | undefined;
let quietTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Follows the server-sent `event`s of `url` until {@link unfollow} (one stream at a time: one screen
 * shows), telling the connection's state in `live`. `each` gets every message's data; `settled` runs once
 * a burst of them is over (a batch from the bus, the events of one commit), so it re-reads only once.
 */
export function follow(
  url: string,
  live: HTMLElement,
  event: string,
  settled: () => void,
  each?: (data: string) => void,
): void {
  unfollow();
  stream = new EventSource(url);
  stream.addEventListener("open", () => {
    live.textContent = "● 实时更新";
  });
  stream.addEventListener("error", () => {
    live.textContent = "○ 正在重新连接……";
  });
  stream.addEventListener(event, (m) => {
    each?.((m as MessageEvent<string>).data);
    clearTimeout(quietTimer);
    quietTimer = setTimeout(settled, 150);
  });
}

/** Stops following the stream of the screen shown last. */
export function unfollow(): void {
  stream?.close();
  stream = undefined;
  clearTimeout(quietTimer);
}
