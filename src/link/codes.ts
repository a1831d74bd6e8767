// The enums of proto/link.proto as constants, without loading the schema (errors and option
// parsing need them cheaply). test/link-codec.test.ts checks them against the schema.

export const ChunkKind = { WIDTHS: 0, WORDS: 1 } as const;
export const Limit = {
  NONE: 0,
  VARS: 1,
  WORDS: 2,
  CONSTRAINTS: 3,
  PAYLOAD: 4,
  SEARCH_VARS: 5,
  SEARCH_VALUES: 6,
  SEARCH_CLAUSES: 7,
  SEARCH_LITERALS: 8,
  SEARCH_BOOLEANS: 9,
} as const;
/** SearchChunk.section: the two streams of the tables' wire form (docs/search.md, "Wire form"). */
export const SearchSection = { VARS: 0, CLAUSES: 1 } as const;
export const ErrorCode = {
  NONE: 0,
  CRC: 1,
  FRAME: 2,
  DECODE: 3,
  UNKNOWN_MESSAGE: 4,
  CAPACITY: 5,
  BAD_VARIABLE: 6,
  BAD_OPCODE: 7,
  BAD_WIDTH: 8,
  PROGRAM_STATE: 9,
  PROGRAM_CRC: 10,
  NO_PROGRAM: 11,
  WRONG_PROGRAM: 12,
  CANDIDATE_LENGTH: 13,
  WINDOW: 14,
  VERSION: 15,
  SEARCH_STATE: 16,
  SEARCH_CRC: 17,
  SEARCH_CAPACITY: 18,
  BAUD: 19,
  SEARCH_TABLE: 20,
} as const;
export type ErrorCodeName = keyof typeof ErrorCode;

/** `ERROR_NO_PROGRAM` for 11, `ERROR_11` for a code this host does not know. */
export function errorCodeName(code: number): string {
  const name = (Object.keys(ErrorCode) as ErrorCodeName[]).find((k) => ErrorCode[k] === code);
  return name ? `ERROR_${name}` : `ERROR_${code}`;
}

/** `LIMIT_WORDS` for 2. */
export function limitName(limit: number): string {
  const name = (Object.keys(Limit) as (keyof typeof Limit)[]).find((k) => Limit[k] === limit);
  return name ? `LIMIT_${name}` : `LIMIT_${limit}`;
}
