/** Streams a request body into fields and files, refusing it as soon as it passes a size limit. */
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';

interface UploadedFile {
  data: Buffer;
  filename: string;
  mimeType: string;
}

export interface ParsedBody {
  kind: 'none' | 'form' | 'multipart' | 'json' | 'other';
  /** Text fields; the first occurrence of a name wins. JSON objects give their scalar members as strings. */
  fields: Map<string, string>;
  files: Map<string, UploadedFile>;
  /** The parsed value of a JSON body. */
  json?: unknown;
}

export interface BodyLimits {
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** Largest single uploaded file accepted, in bytes (multipart). */
  maxFileBytes?: number;
  /** Whether a body that is neither a form nor multipart is parsed as JSON; otherwise it gives no fields. */
  json?: boolean;
}

/** The body (or one file in it) passed its limit; the answer is 413. */
export class TooLargeError extends Error {
  constructor() {
    super('Request Entity Too Large');
  }
}

/** The body could not be parsed (broken multipart or JSON). */
export class BadBodyError extends Error {}

/** Bytes of an oversized body the server reads and discards before it drops the connection instead. */
const DISCARD_LIMIT = 64 * 1024 * 1024;

function contentType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  return header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
}

function discardRest(req: IncomingMessage, alreadyRead: number): void {
  let discarded = alreadyRead;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_LIMIT) req.socket.destroy();
  });
  req.resume();
}

function setFirst<V>(map: Map<string, V>, key: string, value: V): void {
  if (!map.has(key)) map.set(key, value);
}

function parseText(kind: ParsedBody['kind'], raw: Buffer, limits: BodyLimits): ParsedBody {
  const body: ParsedBody = { kind, fields: new Map(), files: new Map() };
  const text = raw.toString('utf8');
  if (kind === 'form') {
    for (const [key, value] of new URLSearchParams(text)) setFirst(body.fields, key, value);
  } else if (limits.json) {
    if (text.trim() === '') return body;
    try {
      body.json = JSON.parse(text);
    } catch {
      throw new BadBodyError('body is not valid JSON');
    }
    if (body.json && typeof body.json === 'object' && !Array.isArray(body.json)) {
      for (const [key, value] of Object.entries(body.json)) {
        if (['string', 'number', 'boolean'].includes(typeof value)) setFirst(body.fields, key, String(value));
      }
    }
  }
  return body;
}

/** Reads the whole body within `limits`; rejects with TooLargeError early, without buffering the excess. */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<ParsedBody> {
  const type = contentType(req);
  const kind: ParsedBody['kind'] =
    type === 'multipart/form-data'
      ? 'multipart'
      : type === 'application/x-www-form-urlencoded'
        ? 'form'
        : type === 'application/json'
          ? 'json'
          : type === ''
            ? 'none'
            : 'other';
  const declared = declaredLength(req);
  if (declared !== undefined && declared > limits.maxBytes) {
    discardRest(req, 0);
    return Promise.reject(new TooLargeError());
  }

  return new Promise<ParsedBody>((resolve, reject) => {
    let received = 0;
    let settled = false;
    const chunks: Buffer[] = [];
    const body: ParsedBody = { kind, fields: new Map(), files: new Map() };
    let parser: busboy.Busboy | undefined;
    let fileTooLarge = false;

    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      req.removeAllListeners('data');
      req.removeAllListeners('end');
      parser?.removeAllListeners();
      parser?.on('error', () => undefined);
      discardRest(req, received);
      reject(error);
    };
    const succeed = (): void => {
      if (settled) return;
      settled = true;
      resolve(body);
    };

    if (kind === 'multipart') {
      try {
        parser = busboy({
          headers: req.headers,
          defParamCharset: 'utf8',
          limits: { fileSize: limits.maxFileBytes ?? limits.maxBytes, fields: 200, files: 20 },
        });
      } catch (error) {
        discardRest(req, 0);
        return reject(new BadBodyError((error as Error).message));
      }
      parser.on('field', (name, value) => setFirst(body.fields, name, value));
      parser.on('file', (name, stream, info) => {
        const parts: Buffer[] = [];
        stream.on('data', (part: Buffer) => parts.push(part));
        stream.on('error', () => undefined);
        stream.on('limit', () => {
          fileTooLarge = true;
        });
        stream.on('end', () => {
          if (!settled)
            setFirst(body.files, name, {
              data: Buffer.concat(parts),
              filename: info.filename ?? '',
              mimeType: info.mimeType,
            });
        });
      });
      parser.on('error', (error: Error) => fail(new BadBodyError(error.message)));
      parser.on('close', () => (fileTooLarge ? fail(new TooLargeError()) : succeed()));
    }

    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      received += chunk.length;
      if (received > limits.maxBytes) return fail(new TooLargeError());
      if (!parser) return void chunks.push(chunk);
      parser.write(chunk);
      if (fileTooLarge) fail(new TooLargeError());
    });
    req.on('end', () => {
      if (settled) return;
      if (parser) {
        parser.end();
        if (fileTooLarge) fail(new TooLargeError());
        return;
      }
      try {
        Object.assign(body, parseText(kind, Buffer.concat(chunks), limits));
        succeed();
      } catch (error) {
        fail(error as Error);
      }
    });
    req.on('error', (error) => fail(error));
  });
}
