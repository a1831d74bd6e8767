// Errors about a user's input. They carry where the problem is (line and column for DIMACS,
// a JSON path for JSON) so that every layer (CLI, API) can report it without a stack trace.

export interface InputLocation {
  /** 1-based line, for text formats. */
  line?: number;
  /** 1-based column, for text formats. */
  column?: number;
  /** JSON path like `$.constraints[3].vars[1]`, for JSON input. */
  path?: string;
}

export class InputError extends Error {
  readonly location: InputLocation;

  constructor(message: string, location: InputLocation = {}) {
    super(formatInputMessage(message, location));
    this.name = 'InputError';
    this.location = location;
  }
}

function formatInputMessage(message: string, loc: InputLocation): string {
  if (loc.path !== undefined) return `${loc.path}: ${message}`;
  if (loc.line !== undefined) return `line ${loc.line}${loc.column !== undefined ? `, column ${loc.column}` : ''}: ${message}`;
  return message;
}

/** The problem was proven to have no solution before any candidate was drawn (e.g. a domain emptied by unary constraints). */
export class UnsatisfiableError extends Error {
  constructor(reason: string) {
    super(`unsatisfiable: ${reason}`);
    this.name = 'UnsatisfiableError';
  }
}
