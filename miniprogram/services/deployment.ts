/** What this deployment does with the person's data (whoami), asked once per app session. */

import type { WhoAmIOk } from '../shared/events';
import { whoami } from './cloud';

let known: WhoAmIOk | undefined;
let pending: Promise<WhoAmIOk | undefined> | undefined;

/** The caller's facts (retention, product and its modes, upload folder); undefined while whoami cannot answer. */
export function deploymentFacts(): Promise<WhoAmIOk | undefined> {
  if (known) return Promise.resolve(known);
  pending ??= whoami().then((answer) => {
    pending = undefined;
    if (answer.ok) known = answer;
    return known;
  });
  return pending;
}

/** Forgets the facts (tests; a fresh launch starts without them anyway). */
export function forgetDeploymentFacts(): void {
  known = undefined;
  pending = undefined;
}
