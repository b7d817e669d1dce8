import { FaceIdError } from '../errors';

/** The event as a plain object, or INVALID_EVENT. Prototype keys are never read from it. */
export function eventObject(event: unknown): Record<string, unknown> {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new FaceIdError('INVALID_EVENT', { detail: 'event must be an object' });
  }
  return event as Record<string, unknown>;
}

/** An own property of the event (never one inherited through the prototype chain). */
export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** An optional string field of at most `maxLength` characters, or INVALID_EVENT naming it. */
export function optionalString(
  obj: Record<string, unknown>,
  key: string,
  maxLength: number,
): string | undefined {
  const value = own(obj, key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > maxLength) {
    throw new FaceIdError('INVALID_EVENT', {
      param: key,
      detail: `${key} must be a string of at most ${maxLength} characters`,
    });
  }
  return value;
}

/** A required string field, or MISSING_ARGUMENTS / INVALID_EVENT naming it. */
export function requiredString(obj: Record<string, unknown>, key: string, maxLength: number): string {
  const value = optionalString(obj, key, maxLength);
  if (value === undefined) throw new FaceIdError('MISSING_ARGUMENTS', { param: key });
  return value;
}
