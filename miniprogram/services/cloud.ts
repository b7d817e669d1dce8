/** The one place that calls cloud functions: typed answers, and a network failure turned into a Failure. */

import { isRetryableCode, type ErrorCode } from '../shared/errors';
import type {
  DeleteVerificationResponse,
  Failure,
  GetBizTokenEvent,
  GetBizTokenResponse,
  GetResultResponse,
  LeaveVerificationResponse,
  ListVerificationsResponse,
  PreparePhotoResponse,
  WhoAmIResponse,
} from '../shared/events';

/** A Failure the mini-program itself met; `message` says what failed for the console (pages word the code). */
function failure(code: ErrorCode, message: string): Failure {
  return { ok: false, error: { code, message, retryable: isRetryableCode(code) } };
}

function isAnswer(value: unknown): value is { ok: boolean } {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

async function call<T extends { ok: boolean }>(name: string, data: object): Promise<T | Failure> {
  let result: unknown;
  try {
    ({ result } = await wx.cloud.callFunction({ name, data }));
  } catch {
    return failure('NETWORK_ERROR', `wx.cloud.callFunction(${name}) failed`);
  }
  return isAnswer(result)
    ? (result as T | Failure)
    : failure('BAD_UPSTREAM_RESPONSE', `${name} answered no { ok } object`);
}

/** Asks the backend for a FaceID biz_token. */
export function getBizToken(event: GetBizTokenEvent): Promise<GetBizTokenResponse> {
  return call('getBizToken', event);
}

/** Asks the backend for the result of a finished (or abandoned) flow. */
export function getResult(bizToken: string): Promise<GetResultResponse> {
  return call('getResult', { bizToken });
}

/** The caller's openid and the cloud-storage folder their reference photos go in. */
export function whoami(): Promise<WhoAmIResponse> {
  return call('whoami', {});
}

/** One page (zero-based) of the caller's own verification records, newest first, masked. */
export function listVerifications(page: number, pageSize: number): Promise<ListVerificationsResponse> {
  return call('listVerifications', { page, pageSize });
}

/** Tells the backend the person left the verify step of their own verification without an answer. */
export function leaveVerification(bizToken: string): Promise<LeaveVerificationResponse> {
  return call('leaveVerification', { bizToken });
}

/** Deletes one of the caller's own verification records. */
export function deleteVerification(bizNo: string): Promise<DeleteVerificationResponse> {
  return call('deleteVerification', { bizNo });
}

/** Registers one reference photo with the backend: where to upload it, and when it is deleted. */
function preparePhoto(): Promise<PreparePhotoResponse> {
  return call('preparePhoto', {});
}

/**
 * Uploads a reference photo to the place the backend registered for it (its own folder, deleted within 24
 * hours); the fileID goes into getBizToken's imageRef1.
 */
export async function uploadReferencePhoto(
  filePath: string,
): Promise<{ ok: true; fileID: string } | Failure> {
  const prepared = await preparePhoto();
  if (!prepared.ok) return prepared;
  try {
    const { fileID } = await wx.cloud.uploadFile({ cloudPath: prepared.cloudPath, filePath });
    return { ok: true, fileID };
  } catch {
    return failure('NETWORK_ERROR', 'wx.cloud.uploadFile failed');
  }
}
