/** Reads a gateway's /metrics (Prometheus text format) into series a test can look up exactly. */

/** One sample: metric name, every label (the region's included), value. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Parsed exposition: samples plus each metric's HELP text. */
export interface Scrape {
  readonly samples: readonly Sample[];
  readonly help: ReadonlyMap<string, string>;
  /** The samples of `name`, each as its labels (minus `region`) and value, sorted for comparison. */
  series(name: string): Array<[Record<string, string>, number]>;
  /** The value of the one sample of `name` whose labels (minus `region`) are exactly `labels`. */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

const LINE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the text format. */
export function parseMetrics(text: string): Scrape {
  const samples: Sample[] = [];
  const help = new Map<string, string>();
  for (const line of text.split("\n")) {
    const h = /^# HELP (\S+) (.*)$/.exec(line);
    if (h) help.set(h[1] as string, h[2] as string);
    const m = LINE.exec(line);
    if (!m || line.startsWith("#")) continue;
    const labels = Object.fromEntries([...(m[2] ?? "").matchAll(LABEL)].map((l) => [l[1], l[2]]));
    samples.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  const own = (s: Sample) => Object.fromEntries(Object.entries(s.labels).filter(([k]) => k !== "region"));
  const same = (a: Record<string, string>, b: Record<string, string>) =>
    JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
  return {
    samples,
    help,
    series: (name) =>
      samples
        .filter((s) => s.name === name)
        .map((s): [Record<string, string>, number] => [own(s), s.value])
        .sort((x, y) => JSON.stringify(x[0]).localeCompare(JSON.stringify(y[0]))),
    value: (name, labels = {}) => samples.find((s) => s.name === name && same(own(s), labels))?.value,
  };
}

/** Scrapes a gateway's root URL. */
export async function scrape(root: string): Promise<Scrape> {
  const res = await fetch(`${root}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return parseMetrics(await res.text());
}
