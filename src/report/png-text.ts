// Text chunks in a PNG: an exported figure carries its title, parameters, seed and specs as
// metadata (tEXt for Latin-1 text, iTXt for UTF-8), placed right after the IHDR chunk, and
// reads them back (tests). Plain bytes, no platform imports: the page and Node use it.

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

let table: Uint32Array | undefined;

/** CRC-32 (ISO 3309, the PNG chunk checksum) of the bytes. */
export function crc32(bytes: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of bytes) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const latin1 = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
const fromLatin1 = (bytes: Uint8Array) => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
};
const isLatin1 = (s: string) => [...s].every((ch) => ch.charCodeAt(0) <= 0xff);

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(latin1(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** One text chunk: tEXt if the text is Latin-1, else iTXt (UTF-8, uncompressed). */
export function textChunk(keyword: string, text: string): Uint8Array {
  if (!/^[\x20-\x7e]{1,79}$/.test(keyword) || /^ | $| {2}/.test(keyword)) throw new RangeError(`not a PNG text keyword: ${JSON.stringify(keyword)}`);
  const key = latin1(keyword);
  if (isLatin1(text)) {
    const body = latin1(text);
    const data = new Uint8Array(key.length + 1 + body.length);
    data.set(key, 0);
    data.set(body, key.length + 1);
    return chunk('tEXt', data);
  }
  const body = new TextEncoder().encode(text);
  // keyword, 0, compression flag 0, method 0, language tag '' 0, translated keyword '' 0, text
  const data = new Uint8Array(key.length + 5 + body.length);
  data.set(key, 0);
  data.set(body, key.length + 5);
  return chunk('iTXt', data);
}

function isPng(png: Uint8Array): boolean {
  return png.length >= 33 && SIGNATURE.every((b, i) => png[i] === b);
}

/** The PNG with text chunks added after its IHDR chunk (keyword -> text, in order). */
export function withPngText(png: Uint8Array, entries: Record<string, string>): Uint8Array {
  if (!isPng(png)) throw new RangeError('not a PNG');
  const ihdrEnd = 8 + 12 + new DataView(png.buffer, png.byteOffset, png.byteLength).getUint32(8);
  const chunks = Object.entries(entries).map(([k, v]) => textChunk(k, v));
  const out = new Uint8Array(png.length + chunks.reduce((n, c) => n + c.length, 0));
  out.set(png.subarray(0, ihdrEnd), 0);
  let at = ihdrEnd;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  out.set(png.subarray(ihdrEnd), at);
  return out;
}

/** The PNG's tEXt and iTXt chunks (uncompressed ones) as keyword -> text; checks each CRC. */
export function readPngText(png: Uint8Array): Record<string, string> {
  if (!isPng(png)) throw new RangeError('not a PNG');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: Record<string, string> = {};
  for (let at = 8; at + 12 <= png.length; ) {
    const length = view.getUint32(at);
    const type = fromLatin1(png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    if (crc32(png.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) throw new RangeError(`bad CRC in the ${type} chunk`);
    const zero = data.indexOf(0);
    if (type === 'tEXt' && zero > 0) out[fromLatin1(data.subarray(0, zero))] = fromLatin1(data.subarray(zero + 1));
    if (type === 'iTXt' && zero > 0 && data[zero + 1] === 0) {
      let p = zero + 3;
      p = data.indexOf(0, p) + 1; // language tag
      p = data.indexOf(0, p) + 1; // translated keyword
      out[fromLatin1(data.subarray(0, zero))] = new TextDecoder().decode(data.subarray(p));
    }
    if (type === 'IEND') break;
    at += 12 + length;
  }
  return out;
}
