export * from '../../server/config';
export * from '../../tools/offline';
export * from '../../miniprogram/services/flow';
export * from '../../miniprogram/domain/events';
export * from '../../test/setup';
