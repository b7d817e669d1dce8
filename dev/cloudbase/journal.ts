/**
 * Persistence of the stand-in's database: an append-only journal of changes (one JSON line each, the document as
 * it is after the change), replayed at start and then compacted into one line per live document. A write appends
 * one line; nothing is rewritten until the next start.
 */
import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { EJSON } from 'bson';
import type { Change, Database } from './database';

const encode = (change: Change): string => `${EJSON.stringify(change, { relaxed: false })}\n`;

/** Reads a journal into the database; a torn last line (a crash mid-write) is ignored. Resolves the lines read. */
export function replayJournal(file: string, database: Database): number {
  if (!existsSync(file)) return 0;
  const lines = readFileSync(file, 'utf8').split('\n');
  let read = 0;
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    let change: Change;
    try {
      change = EJSON.parse(line, { relaxed: true }) as Change;
    } catch (error) {
      if (index >= lines.length - 2) return;
      throw new Error(`${file}: line ${index + 1} is not a journal entry (${(error as Error).message})`, {
        cause: error,
      });
    }
    database.replay(change);
    read++;
  });
  return read;
}

/** Writes the database's present state to the journal file (via a temporary file and a rename). */
export function compactJournal(file: string, database: Database): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    for (const change of database.snapshot()) writeSync(fd, encode(change));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** Opens the journal for appending; returns the function that records a change. */
export function journalWriter(file: string): { record(change: Change): void; close(): void } {
  const fd = openSync(file, 'a');
  let open = true;
  return {
    record(change) {
      if (open) appendFileSync(fd, encode(change));
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
