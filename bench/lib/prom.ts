/** Reads a node's Prometheus text: histogram means and counter values the benches print. */
export async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** Mean of a histogram (sum / count) for one label set, in the histogram's unit; NaN when empty. */
export function histogramMean(m: Map<string, number>, name: string, labels = ''): number {
  const braces = labels === '' ? '' : `{${labels}}`;
  return (m.get(`${name}_sum${braces}`) ?? Number.NaN) / (m.get(`${name}_count${braces}`) ?? Number.NaN);
}

/** What cumulative series (counters, histogram sums and counts) gained between two scrapes. */
export function since(now: Map<string, number>, before: Map<string, number>): Map<string, number> {
  return new Map([...now].map(([k, v]) => [k, v - (before.get(k) ?? 0)]));
}
