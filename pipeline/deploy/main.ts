/** CLI of `npm run deploy`. */
import { deploy } from './deploy';

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

void deploy(process.argv.slice(2)).then((code) => process.exit(code));
