import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into lines, capping each line so that a server writing
 * megabytes without a newline cannot grow memory without bound. Bytes are
 * decoded as one UTF-8 stream: a character split across chunks stays whole.
 * Feed one stream either Buffers or strings, not both.
 */
export class LineSplitter {
  private buffer = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineLength = 4000,
  ) {}

  push(chunk: string | Buffer): void {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
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

  /** Emits what is left; an incomplete character at the end becomes U+FFFD. */
  flush(): void {
    this.buffer += this.decoder.end();
    if (this.buffer.length > 0) this.emit(this.buffer);
    this.buffer = '';
  }

  private emit(line: string): void {
    const clean = line.replace(/\r$/, '');
    if (clean.length <= this.maxLineLength) return this.onLine(clean);
    // Cut between characters, never inside a surrogate pair (an emoji, for one).
    const high = clean.charCodeAt(this.maxLineLength - 1);
    const cut = high >= 0xd800 && high <= 0xdbff ? this.maxLineLength - 1 : this.maxLineLength;
    this.onLine(`${clean.slice(0, cut)}… (${clean.length - cut} more characters)`);
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
