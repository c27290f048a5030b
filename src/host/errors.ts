import { ProtocolError, SdkError, SdkErrorCode } from '@modelcontextprotocol/client';

/** JSON-RPC error codes the host answers with. */
export const ErrorCode = {
  /** The person rejected the request (spec example for sampling). */
  UserRejected: -1,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Host-defined: the request timed out waiting for a person. */
  Timeout: -32001,
  /** Host-defined: a budget or policy refused the request. */
  PolicyDenied: -32003,
} as const;

/**
 * The one place where host failures become JSON-RPC errors. Handlers throw
 * `HostError`s; `toProtocolError` turns anything thrown into the error the
 * server receives.
 */
export class HostError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'HostError';
  }

  static userRejected(what: 'sampling' | 'elicitation' = 'sampling'): HostError {
    return new HostError(ErrorCode.UserRejected, `User rejected ${what} request`);
  }

  static invalidParams(message: string): HostError {
    return new HostError(ErrorCode.InvalidParams, message);
  }

  static timeout(message: string): HostError {
    return new HostError(ErrorCode.Timeout, message);
  }

  static denied(message: string): HostError {
    return new HostError(ErrorCode.PolicyDenied, message);
  }

  static unavailable(message: string): HostError {
    return new HostError(ErrorCode.InternalError, message);
  }
}

/** Converts anything a handler threw into the SDK's `ProtocolError`. */
export function toProtocolError(err: unknown): ProtocolError {
  if (err instanceof ProtocolError) return err;
  if (err instanceof HostError) return new ProtocolError(err.code, err.message, err.data);
  const message = err instanceof Error ? err.message : String(err);
  return new ProtocolError(ErrorCode.InternalError, `Host error: ${message}`);
}

/** A one-line, human description of any error (no stack traces). */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return code !== undefined && typeof code !== 'object' ? `${err.message} (${String(code)})` : err.message;
  }
  return String(err);
}

/** The abort reason of everything pending on a connection that went away. */
export class ConnectionGoneError extends Error {
  constructor(message = 'the server connection closed') {
    super(message);
    this.name = 'ConnectionGoneError';
  }
}

/** True when an abort reason means the connection went away (ours or the SDK's). */
export function isConnectionGone(reason: unknown): boolean {
  return reason instanceof ConnectionGoneError || (reason instanceof SdkError && reason.code === SdkErrorCode.ConnectionClosed);
}
