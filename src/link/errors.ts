// Typed errors of the serial link; docs/link-protocol.md ("Errors and what the host does") says
// when each is raised. All extend LinkError so a caller can catch the link as a whole.

import { errorCodeName } from './codes.ts';

export class LinkError extends Error {
  override name = 'LinkError';
}

/** The device could not be opened: no such path, the port is owned by another process, nothing listening. */
export class DeviceOpenError extends LinkError {
  override name = 'DeviceOpenError';
}

/** No reply to a request after every attempt. */
export class DeviceTimeoutError extends LinkError {
  override name = 'DeviceTimeoutError';
}

/** The device went away (transport closed or failed) and did not come back, or the request was lost with the connection. */
export class DeviceGoneError extends LinkError {
  override name = 'DeviceGoneError';
}

/** The device answered with an Error frame. */
export class DeviceError extends LinkError {
  override name = 'DeviceError';
  /** `ERROR_NO_PROGRAM` and so on. */
  readonly codeName: string;

  constructor(readonly code: number, readonly arg: number, readonly seq: number, context: string) {
    const codeName = errorCodeName(code);
    super(`device refused ${context}: ${codeName} (arg ${arg})`);
    this.codeName = codeName;
  }
}

/** The device broke the protocol: another version, a reply of the wrong kind, a verdict that does not match its candidate. */
export class ProtocolError extends LinkError {
  override name = 'ProtocolError';
}
