/**
 * Structured logs that cannot carry personal data: only these fields exist, and none of them holds a name, an ID
 * number, an image or a secret.
 */
interface LogFields {
  fn?: string;
  event?: string;
  bizNo?: string;
  provider?: string;
  mode?: string;
  outcome?: string;
  resultCode?: number;
  code?: string;
  status?: number;
  ms?: number;
  attempt?: number;
  /** How many: deliveries a timer run sent, tries a delivery took. */
  count?: number;
  console?: boolean;
  errorName?: string;
}

export interface Logger {
  info(fields: LogFields): void;
  warn(fields: LogFields): void;
}

const ALLOWED = new Set<string>([
  'fn',
  'event',
  'bizNo',
  'provider',
  'mode',
  'outcome',
  'resultCode',
  'code',
  'status',
  'ms',
  'attempt',
  'count',
  'console',
  'errorName',
]);

function line(level: string, fields: LogFields): string {
  const safe: Record<string, unknown> = { level };
  for (const [key, value] of Object.entries(fields))
    if (ALLOWED.has(key) && value !== undefined) safe[key] = value;
  return JSON.stringify(safe);
}

/**
 * A logger writing one JSON line per entry to the console (CloudBase collects the function's console), or nothing
 * when `on` is false (FACEID_LOG=off).
 */
export function consoleLogger(on: boolean): Logger {
  return {
    info: (fields) => void (on && console.log(line('info', fields))),
    warn: (fields) => void (on && console.warn(line('warn', fields))),
  };
}
