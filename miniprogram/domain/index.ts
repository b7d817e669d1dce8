export * from './idcard';
export * from './mask';
export * from './result-codes';
export * from './errors';
export * from './events';
export * from './consent';
export * from './image';
