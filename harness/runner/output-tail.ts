// The last few kilobytes a child printed, kept for failure messages. Output is drained (a full pipe would
// block the child) and never parsed for results: a submission that prints a fake results.json earns nothing.
export class OutputTail {
  private chunks: string[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly maxChars = 8192) {}

  push(chunk: Buffer | string): void {
    const s = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    this.chunks.push(s);
    this.size += s.length;
    while (this.size > this.maxChars && this.chunks.length > 1) {
      const first = this.chunks.shift()!;
      this.size -= first.length;
      this.dropped += first.length;
    }
  }

  /** The last `lines` lines (noise from Node's own warnings removed). */
  lines(lines = 12): string[] {
    const all = this.chunks.join('').slice(-this.maxChars).split(/\r?\n/);
    return all.filter((l) => l.trim() !== '' && !/^\(node:\d+\) |^\(Use `node --trace-warnings/.test(l)).slice(-lines);
  }

  text(): string {
    return this.chunks.join('');
  }

  /** True when `re` matches what is kept. */
  has(re: RegExp): boolean {
    return re.test(this.text());
  }
}
