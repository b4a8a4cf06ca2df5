/** A sorted multiset of node times with binary search; inserts and removals shift a typed array (n is small). */
export class SortedTimes {
  private values: Float64Array;
  count = 0;

  constructor(capacity: number) {
    this.values = new Float64Array(Math.max(1, capacity));
  }

  at(index: number): number {
    return this.values[index];
  }

  /** how many values are <= time (also the index of the first value > time) */
  countAtMost(time: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.values[middle] <= time) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  insert(time: number): void {
    const index = this.countAtMost(time);
    this.values.copyWithin(index + 1, index, this.count);
    this.values[index] = time;
    this.count += 1;
  }

  remove(time: number): void {
    const index = this.countAtMost(time) - 1;
    if (index < 0 || this.values[index] !== time) throw new Error(`sorted times: ${time} is not present`);
    this.values.copyWithin(index, index + 1, this.count);
    this.count -= 1;
  }
}
