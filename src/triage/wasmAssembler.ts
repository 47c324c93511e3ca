// A minimal WebAssembly assembler, just what triage's byte loops use (wasmScan.ts, wasmCollect.ts,
// wasmNormalize.ts): function bodies written with named branch targets, modules of a few functions and one memory,
// and their instantiation. Modules are assembled in code when a thread loads them, so no binary is built, shipped
// or downloaded.

export const I32 = 0x7f
const EMPTY_BLOCK = 0x40

export const unsignedLeb = (value: number): Array<number> => {
  const out: Array<number> = []
  let v = value >>> 0
  do {
    let byte = v & 0x7f
    v >>>= 7
    if (v !== 0) byte |= 0x80
    out.push(byte)
  } while (v !== 0)
  return out
}

const signedLeb = (value: number): Array<number> => {
  const out: Array<number> = []
  let v = value | 0
  for (;;) {
    const byte = v & 0x7f
    v >>= 7
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)
    out.push(done ? byte : byte | 0x80)
    if (done) return out
  }
}

const signedLeb64 = (value: bigint): Array<number> => {
  const out: Array<number> = []
  let v = BigInt.asIntN(64, value)
  for (;;) {
    const byte = Number(v & 0x7fn)
    v >>= 7n
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0)
    out.push(done ? byte : byte | 0x80)
    if (done) return out
  }
}

const name = (text: string): Array<number> => {
  const bytes = Array.from(Buffer.from(text, "utf8"))
  return [...unsignedLeb(bytes.length), ...bytes]
}

const section = (id: number, body: ReadonlyArray<number>): Array<number> => [
  id,
  ...unsignedLeb(body.length),
  ...body,
]

/** Function body code, with branch targets named rather than counted. */
export class Code {
  readonly bytes: Array<number> = []
  private readonly labels: Array<string> = []

  op(...bytes: ReadonlyArray<number>): this {
    this.bytes.push(...bytes)
    return this
  }
  get(local: number): this {
    return this.op(0x20, ...unsignedLeb(local))
  }
  set(local: number): this {
    return this.op(0x21, ...unsignedLeb(local))
  }
  const(value: number): this {
    return this.op(0x41, ...signedLeb(value))
  }
  load8(offset = 0): this {
    return this.op(0x2d, 0, ...unsignedLeb(offset))
  }
  store8(offset = 0): this {
    return this.op(0x3a, 0, ...unsignedLeb(offset))
  }
  load32(offset = 0): this {
    return this.op(0x28, 2, ...unsignedLeb(offset))
  }
  store32(offset = 0): this {
    return this.op(0x36, 2, ...unsignedLeb(offset))
  }
  /** Eight bytes from an address of any alignment, as an i64. */
  load64(offset = 0): this {
    return this.op(0x29, 0, ...unsignedLeb(offset))
  }
  const64(value: bigint): this {
    return this.op(0x42, ...signedLeb64(value))
  }
  /** Calls function `index` of the module (its place in moduleBytes' list). */
  call(index: number): this {
    return this.op(0x10, ...unsignedLeb(index))
  }
  /** A SIMD instruction (the 0xfd prefix, then its number); see `simd` for the ones used. */
  simd(opcode: number): this {
    return this.op(0xfd, ...unsignedLeb(opcode))
  }
  /** Sixteen bytes from an address of any alignment, as a v128. */
  load128(offset = 0): this {
    return this.op(0xfd, 0x00, 0, ...unsignedLeb(offset))
  }
  /** memory.copy: pops destination, source and length. */
  copy(): this {
    return this.op(0xfc, 10, 0, 0)
  }
  return(): this {
    return this.op(0x0f)
  }
  /** Opens a block (a forward branch target) or a loop (a backward one) named `label`. */
  block(label: string): this {
    this.labels.push(label)
    return this.op(0x02, EMPTY_BLOCK)
  }
  loop(label: string): this {
    this.labels.push(label)
    return this.op(0x03, EMPTY_BLOCK)
  }
  if(): this {
    this.labels.push("")
    return this.op(0x04, EMPTY_BLOCK)
  }
  else(): this {
    return this.op(0x05)
  }
  end(): this {
    this.labels.pop()
    return this.op(0x0b)
  }
  br(label: string): this {
    return this.op(0x0c, ...unsignedLeb(this.depth(label)))
  }
  brIf(label: string): this {
    return this.op(0x0d, ...unsignedLeb(this.depth(label)))
  }
  private depth(label: string): number {
    const at = this.labels.lastIndexOf(label)
    if (at < 0) throw new Error(`no enclosing block ${label}`)
    return this.labels.length - 1 - at
  }
}

export const op = {
  eqz: 0x45,
  eq: 0x46,
  ne: 0x47,
  ltS: 0x48,
  ltU: 0x49,
  gtU: 0x4b,
  leU: 0x4d,
  geU: 0x4f,
  add: 0x6a,
  sub: 0x6b,
  divU: 0x6e,
  and: 0x71,
  or: 0x72,
  mul: 0x6c,
  shl: 0x74,
  shrS: 0x75,
  xor: 0x73,
  ctz: 0x68,
  select: 0x1b,
  i64Eq: 0x51,
  i64And: 0x83,
  i64Sub: 0x7d,
  i64Shl: 0x86,
  i64ExtendU: 0xad,
} as const

/** SIMD instruction numbers (after the 0xfd prefix). */
export const simd = {
  i8x16Splat: 0x0f,
  i8x16Eq: 0x23,
  v128Or: 0x50,
  i8x16Bitmask: 0x64,
} as const

const I64 = 0x7e

/** A function body: `locals` i32 locals after the parameters, then `locals64` i64 ones, then the code. */
export const functionBody = (locals: number, code: Code, locals64 = 0): Array<number> => [
  ...(locals64 === 0
    ? [1, ...unsignedLeb(locals), I32]
    : locals === 0
      ? [1, ...unsignedLeb(locals64), I64]
      : [2, ...unsignedLeb(locals), I32, ...unsignedLeb(locals64), I64]),
  ...code.bytes,
  0x0b,
]

/** A function of a module: `params` i32 parameters, an i32 result; exported when it has a name. */
export interface WasmFunction {
  readonly name?: string
  readonly params: number
  readonly body: ReadonlyArray<number>
}

/** A module of `functions` (a call names one by its index in the list) and one memory, exported as `memory`. */
export const moduleBytes = (functions: ReadonlyArray<WasmFunction>): Uint8Array => {
  const arities = [...new Set(functions.map((f) => f.params))]
  const types = arities.flatMap((params) => [0x60, params, ...Array<number>(params).fill(I32), 1, I32])
  const exported = functions.flatMap((f, index) =>
    f.name === undefined ? [] : [[...name(f.name), 0x00, ...unsignedLeb(index)]],
  )
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [...unsignedLeb(arities.length), ...types]),
    ...section(3, [...unsignedLeb(functions.length), ...functions.map((f) => arities.indexOf(f.params))]),
    // one memory of one page to start with; it grows with the input
    ...section(5, [1, 0x00, 1]),
    ...section(7, [...unsignedLeb(exported.length + 1), ...exported.flat(), ...name("memory"), 0x02, 0]),
    ...section(10, [
      ...unsignedLeb(functions.length),
      ...functions.flatMap((f) => [...unsignedLeb(f.body.length), ...f.body]),
    ]),
  ]
  return Uint8Array.from(bytes)
}

/** The part of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object
  readonly Instance: new (module: object) => { readonly exports: Record<string, unknown> }
}
export interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}

/** The module's exports, or undefined where WebAssembly cannot run. */
export const instantiate = (bytes: Uint8Array): Record<string, unknown> | undefined => {
  const wasm = (globalThis as { readonly WebAssembly?: WasmApi }).WebAssembly
  if (wasm === undefined) return undefined
  try {
    return new wasm.Instance(new wasm.Module(bytes)).exports
  } catch {
    return undefined
  }
}

export const PAGE = 65536
/** Grows `memory` to hold at least `bytes` (views made before then are stale). */
export const growTo = (memory: WasmMemory, bytes: number): void => {
  if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE))
}
export const align = (n: number): number => (n + 7) & ~7

/**
 * Node's Buffer as it is: toString("latin1", …) ends in this method after checking its arguments and looking up the
 * encoding, which cost as much as the decoding itself for a line (@types/node does not declare it).
 */
export type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string }

/** A view of `memory` that decodes its bytes as latin1 (made again when the memory grows). */
export const latin1View = (memory: WasmMemory): Latin1Buffer => Buffer.from(memory.buffer) as Latin1Buffer
/** Zero bytes after an input: the loops may look that far past its end (the scan's line-start and ` found` tests). */
export const TAIL = 16
