#!/usr/bin/env node
// Draws media/icon.png (128×128): a blue rounded square with a white
// "request card" and a green check. Run once; the PNG is committed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const size = 128;
const px = Buffer.alloc(size * size * 4);
const set = (x, y, [r, g, b, a]) => {
  const i = (y * size + x) * 4;
  const alpha = a / 255;
  px[i] = Math.round(r * alpha + px[i] * (1 - alpha));
  px[i + 1] = Math.round(g * alpha + px[i + 1] * (1 - alpha));
  px[i + 2] = Math.round(b * alpha + px[i + 2] * (1 - alpha));
  px[i + 3] = Math.max(px[i + 3], a);
};
const roundedRect = (x0, y0, x1, y1, r, color) => {
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const cx = Math.min(Math.max(x, x0 + r), x1 - r - 1);
      const cy = Math.min(Math.max(y, y0 + r), y1 - r - 1);
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) set(x, y, color);
    }
};
const thickLine = (ax, ay, bx, by, w, color) => {
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
      const d = Math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay)));
      if (d <= w / 2) set(x, y, color);
    }
};
roundedRect(4, 4, 124, 124, 24, [0x1f, 0x5f, 0xb8, 255]);
roundedRect(22, 26, 106, 96, 10, [255, 255, 255, 255]);
roundedRect(34, 40, 92, 48, 3, [0x9c, 0xb4, 0xd8, 255]);
roundedRect(34, 56, 72, 64, 3, [0x9c, 0xb4, 0xd8, 255]);
roundedRect(66, 70, 118, 122, 26, [0x2e, 0xa0, 0x43, 255]);
thickLine(78, 96, 89, 107, 8, [255, 255, 255, 255]);
thickLine(89, 107, 106, 86, 8, [255, 255, 255, 255]);

const raw = Buffer.alloc((size * 4 + 1) * size);
for (let y = 0; y < size; y++) px.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(size, 0);
ihdr.writeUInt32BE(size, 4);
ihdr.set([8, 6, 0, 0, 0], 8);
writeFileSync('media/icon.png', Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]));
