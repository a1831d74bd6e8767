// Link framing: frame = COBS(payload || CRC-32(payload) little-endian) || 0x00.
// The 0x00 delimiter lets a receiver resynchronise after any corruption: whatever happens to a
// frame, the next zero byte starts a fresh one. The CRC catches what COBS cannot (COBS has no
// redundancy). docs/link-protocol.md, "Framing", is the specification.

import { crc32 } from '../model/crc32.ts';
import { CobsError, cobsDecode, cobsEncode, cobsMaxEncodedLength } from './cobs.ts';

export const CRC_BYTES = 4;
export const DELIMITER = 0x00;

/**
 * Bounds on a device's advertised max_payload. Every device accepts at least MIN_MAX_PAYLOAD
 * bytes (so the handshake and small requests always fit) and no device sends or accepts more
 * than PAYLOAD_LIMIT, which is therefore the host's receive limit before and after the handshake.
 */
export const MIN_MAX_PAYLOAD = 256;
export const PAYLOAD_LIMIT = 4096;

/** The bytes on the wire for one payload, delimiter included. */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  const body = new Uint8Array(payload.length + CRC_BYTES);
  body.set(payload, 0);
  new DataView(body.buffer).setUint32(payload.length, crc32(payload), true);
  const encoded = cobsEncode(body);
  const frame = new Uint8Array(encoded.length + 1);
  frame.set(encoded, 0);
  frame[encoded.length] = DELIMITER;
  return frame;
}

/** Largest frame on the wire, delimiter included, for a payload of at most `maxPayload` bytes. */
export function maxFrameLength(maxPayload: number): number {
  return cobsMaxEncodedLength(maxPayload + CRC_BYTES) + 1;
}

/**
 * Why a frame was refused. `crc`: the checksum does not match; `cobs`: the block is not valid
 * COBS; `short`: fewer bytes than a CRC; `too-long`: more than the receiver's maximum payload.
 */
export type FrameErrorKind = 'crc' | 'cobs' | 'short' | 'too-long';

export class FrameError extends Error {
  override name = 'FrameError';
  constructor(readonly kind: FrameErrorKind, message: string) {
    super(message);
  }
}

export type FrameEvent = { ok: true; payload: Uint8Array } | { ok: false; error: FrameError };

/** Check and unwrap one encoded frame body (the bytes between two delimiters). */
export function decodeFrameBody(block: Uint8Array, maxPayload: number): FrameEvent {
  let body: Uint8Array;
  try {
    body = cobsDecode(block);
  } catch (err) {
    if (err instanceof CobsError) return { ok: false, error: new FrameError('cobs', err.message) };
    throw err;
  }
  if (body.length < CRC_BYTES) {
    return { ok: false, error: new FrameError('short', `frame of ${body.length} bytes is shorter than its CRC`) };
  }
  const payload = body.slice(0, body.length - CRC_BYTES);
  if (payload.length > maxPayload) {
    return { ok: false, error: new FrameError('too-long', `payload of ${payload.length} bytes exceeds the maximum of ${maxPayload}`) };
  }
  const sent = new DataView(body.buffer, body.byteOffset).getUint32(payload.length, true);
  const computed = crc32(payload);
  if (sent !== computed) {
    return { ok: false, error: new FrameError('crc', `CRC mismatch: frame says ${hex32(sent)}, payload has ${hex32(computed)}`) };
  }
  return { ok: true, payload };
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/**
 * Splits a byte stream into frames. Feed it chunks as they arrive; it returns the frames that
 * each chunk completed, good or bad, in order. Empty frames (two delimiters in a row) are idle
 * fill and produce nothing. A frame that grows past the maximum is reported once, as soon as it
 * is too long, and the rest of it is discarded up to the next delimiter.
 */
export class Deframer {
  private readonly buf: Uint8Array;
  private len = 0;
  private discarding = false;

  constructor(private readonly maxPayload: number) {
    this.buf = new Uint8Array(maxFrameLength(maxPayload));
  }

  /** Forget any partial frame, e.g. when the transport reconnects. */
  clear(): void {
    this.len = 0;
    this.discarding = false;
  }

  /** Bytes of an unfinished frame held so far. */
  get pending(): number {
    return this.len;
  }

  push(chunk: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    const limit = maxFrameLength(this.maxPayload) - 1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === DELIMITER) {
        if (!this.discarding && this.len > 0) events.push(decodeFrameBody(this.buf.slice(0, this.len), this.maxPayload));
        this.len = 0;
        this.discarding = false;
        continue;
      }
      if (this.discarding) continue;
      if (this.len >= limit) {
        events.push({ ok: false, error: new FrameError('too-long', `frame exceeds ${limit} encoded bytes (maximum payload ${this.maxPayload})`) });
        this.discarding = true;
        this.len = 0;
        continue;
      }
      this.buf[this.len++] = b;
    }
    return events;
  }
}
