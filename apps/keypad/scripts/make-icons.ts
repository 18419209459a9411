// Draws the keypad's icons (an SVG and PNGs) without any image library: run with `pnpm icons`.
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'public')
const BG: Rgb = [17, 20, 24]
const KEY: Rgb = [47, 111, 222]
const CAP: Rgb = [243, 244, 246]
type Rgb = [number, number, number]

/** A 3x3 grid of keys on a dark square; the middle key is blue. `inset` leaves room for maskable cropping. */
function pixel(x: number, y: number, size: number, inset: number): Rgb {
  const area = size * (1 - 2 * inset)
  const u = (x - size * inset) / area
  const v = (y - size * inset) / area
  if (u < 0 || v < 0 || u >= 1 || v >= 1) return BG
  const cell = 1 / 3
  const cu = (u % cell) / cell
  const cv = (v % cell) / cell
  if (cu < 0.1 || cu > 0.9 || cv < 0.1 || cv > 0.9) return BG
  return Math.floor(u / cell) === 1 && Math.floor(v / cell) === 1 ? KEY : CAP
}

function crc32(bytes: Uint8Array): number {
  let crc = ~0
  for (const byte of bytes) {
    crc ^= byte
    for (let i = 0; i < 8; i++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1))
  }
  return ~crc >>> 0
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

function png(size: number, inset: number): Buffer {
  const raw = Buffer.alloc(size * (size * 3 + 1))
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0 // filter: none
    for (let x = 0; x < size; x++) raw.set(pixel(x, y, size, inset), y * (size * 3 + 1) + 1 + x * 3)
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 2, 0, 0, 0], 8) // 8-bit RGB
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const rect = (col: number, row: number, fill: string) =>
  `<rect x="${12 + col * 26 + 2.6}" y="${12 + row * 26 + 2.6}" width="20.8" height="20.8" rx="3" fill="${fill}"/>`
const keys = [0, 1, 2].flatMap((row) =>
  [0, 1, 2].map((col) => rect(col, row, row === 1 && col === 1 ? '#2f6fde' : '#f3f4f6')),
)
const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 102 102"><title>keyroom</title><rect width="102" height="102" rx="18" fill="#111418"/>${keys.join('')}</svg>\n`

writeFileSync(join(out, 'icon.svg'), svg)
writeFileSync(join(out, 'icon-192.png'), png(192, 0.12))
writeFileSync(join(out, 'icon-512.png'), png(512, 0.12))
writeFileSync(join(out, 'icon-maskable-512.png'), png(512, 0.22))
