/**
 * The verification record's one home: its states and rules (`states`), buying a token and the money rules
 * (`buy`), reading a result with its claims and budget (`read`), settling and deleting (`settle`), the webhook's outbox (`outbox`). The cloud
 * functions in `server/app/` are use cases that call it.
 */
export * from './states';
export * from './buy';
export * from './read';
export * from './settle';
export * from './notice';
export * from './outbox';
export * from './leave';
