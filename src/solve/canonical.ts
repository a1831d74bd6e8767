// The canonical form of an assignment, used to deduplicate solutions: a digest of its index
// vector (indices are 0..255, one byte each), short enough to keep one per solution in Redis.

import { createHash } from 'node:crypto';

export function canonicalKey(indices: readonly number[]): string {
  return createHash('sha256').update(Uint8Array.from(indices)).digest('base64');
}
