/**
 * A small seeded PRNG (mulberry32) with the draws the demo generator needs. Own code rather than
 * Math.random so that the same seed always yields the same demo data.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An independent stream, so one part of the demo can change without shifting the others. */
  fork(): Random {
    return new Random(Math.floor(this.next() * 4294967296));
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Log-normal with the given median; sigma sets the spread. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Poisson-ish count around `mean` (normal approximation, fine for the large means used here). */
  count(mean: number): number {
    if (mean < 20) {
      // Knuth for small means.
      const limit = Math.exp(-mean);
      let k = 0;
      for (let p = this.next(); p > limit; p *= this.next()) k++;
      return k;
    }
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
  }
}

/** Picks items in proportion to their weights (cumulative table + binary search). */
export class WeightedPicker<T> {
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(
    private readonly items: readonly T[],
    weights: readonly number[]
  ) {
    let sum = 0;
    for (const w of weights) this.cumulative.push((sum += w));
    this.total = sum;
  }

  pick(rng: Random): T {
    const target = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

const tables = new WeakMap<object, { keys: string[]; cumulative: number[]; total: number }>();

/**
 * Picks a key of a weight table, e.g. `{success: 97, failed: 2, rolled_back: 1}`. Constant tables
 * are prepared once (the generator draws from them hundreds of thousands of times).
 */
export function weighted<K extends string>(rng: Random, table: Record<K, number>): K {
  let prepared = tables.get(table);
  if (!prepared) {
    const keys = Object.keys(table);
    let sum = 0;
    const cumulative = keys.map((k) => (sum += table[k as K]));
    prepared = { keys, cumulative, total: sum };
    tables.set(table, prepared);
  }
  const target = rng.next() * prepared.total;
  const i = prepared.cumulative.findIndex((c) => c > target);
  return prepared.keys[i === -1 ? prepared.keys.length - 1 : i] as K;
}
