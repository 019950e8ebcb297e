/**
 * Delivery ids a receiver already wrote (GitHub's `X-GitHub-Delivery`): a redelivery is answered as
 * a duplicate without touching the store. Kept in memory, the most recent `capacity` per process;
 * after a restart a replay reaches the merge, which keeps it from undoing anything newer.
 */
export class DeliveryLog {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  has(id: string): boolean {
    return this.seen.has(id);
  }

  add(id: string): void {
    this.seen.delete(id);
    this.seen.add(id);
    // A Set iterates in insertion order: the first is the oldest.
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value!);
  }
}
