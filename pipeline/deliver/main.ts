/** CLI of `npm run upload` and `npm run preview`. */
import { deliver } from './ci';

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

void deliver(process.argv.slice(2)).then((code) => process.exit(code));
