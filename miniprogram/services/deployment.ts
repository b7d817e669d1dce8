/** What this deployment does with the person's data (whoami), asked once per app session. */

import type { WhoAmIOk } from '../shared/events';
import { whoami } from './cloud';

let known: WhoAmIOk | undefined;
let pending: Promise<WhoAmIOk | undefined> | undefined;

/** The caller's facts (retention, product, upload folder); undefined while whoami cannot answer. */
export function deploymentFacts(): Promise<WhoAmIOk | undefined> {
  if (known) return Promise.resolve(known);
  pending ??= whoami().then((answer) => {
    pending = undefined;
    if (answer.ok) known = answer;
    return known;
  });
  return pending;
}

/** The facts already known in this session, without asking. */
export function knownDeploymentFacts(): WhoAmIOk | undefined {
  return known;
}

/** Forgets the facts (tests; a fresh launch starts without them anyway). */
export function forgetDeploymentFacts(): void {
  known = undefined;
  pending = undefined;
}
