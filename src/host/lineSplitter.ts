/**
 * Splits a byte stream into lines, capping each line so that a server writing
 * megabytes without a newline cannot grow memory without bound.
 */
export class LineSplitter {
  private buffer = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineLength = 4000,
  ) {}

  push(chunk: string | Buffer): void {
    this.buffer += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let newline = this.buffer.indexOf('\n');
    while (newline >= 0) {
      this.emit(this.buffer.slice(0, newline));
      this.buffer = this.buffer.slice(newline + 1);
      newline = this.buffer.indexOf('\n');
    }
    if (this.buffer.length > this.maxLineLength) {
      this.emit(this.buffer);
      this.buffer = '';
    }
  }

  flush(): void {
    if (this.buffer.length > 0) this.emit(this.buffer);
    this.buffer = '';
  }

  private emit(line: string): void {
    const clean = line.replace(/\r$/, '');
    this.onLine(clean.length > this.maxLineLength ? `${clean.slice(0, this.maxLineLength)}… (${clean.length - this.maxLineLength} more characters)` : clean);
  }
}

/** Keeps the last `size` lines. */
export class RingBuffer<T> {
  private items: T[] = [];
  constructor(private readonly size: number) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.size) this.items.splice(0, this.items.length - this.size);
  }

  toArray(): T[] {
    return [...this.items];
  }

  clear(): void {
    this.items = [];
  }
}
