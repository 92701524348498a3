import type { Actor, ControlResult } from './controls.js';
import { OpsError } from './errors.js';

/** A parsed control request: the operator (from the token) and the JSON body. */
export interface ControlRequest {
  readonly operator: string;
  readonly params: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, unknown>>;
}

export type ControlHandler = (request: ControlRequest) => Promise<ControlResult | object>;

/** A reason is required for every action, and kept short enough to log. */
export function actorOf(request: ControlRequest): Actor {
  const reason = request.body.reason;
  if (typeof reason !== 'string' || reason.trim().length < 3 || reason.length > 500) {
    throw new OpsError('REASON_REQUIRED', 'every control action needs a "reason" of 3 to 500 characters');
  }
  return { by: request.operator, reason: reason.trim() };
}
