import { createHash, randomUUID } from 'node:crypto';
import { FaceIdError } from '../errors';
import {
  TOKEN_OPTION_TYPES,
  VERIFICATION_MODES,
  uploadDirFor,
  type GetBizTokenOk,
  type TokenOptions,
  type VerificationMode,
} from '../../miniprogram/shared/events';
import { checkIdNumber, checkName } from '../../miniprogram/shared/idcard';
import { MAX_IMAGE_SIDE, MAX_REQUEST_BYTES, sniffImage } from '../image';
import { fileIdPath } from '../photos';
import { maskIdNumber, maskName } from '../mask';
import { createProvider } from '../providers';
import type { FaceIdProvider, IssuedToken, TokenRequest, ValidTokenRequest } from '../providers/types';
import type { Caller, Services } from '../runtime';
import type { RequestingRecord, TokenFields, TokenRecord } from '../store/types';
import { readConfig, REQUESTING_STALE_MS, type Config, type Env } from '../config';
import { eventObject, optionalString, own } from './input';

/** Longest string option (seed 000's biz_extra_data: 4096 bytes); each provider checks its own limits. */
const MAX_OPTION_STRING = 4096;

/** The getBizToken event after type checks: what the person submitted, nothing else. */
export interface TokenInput {
  mode: VerificationMode;
  idcard?: { name: string; number: string };
  imageRefs: string[];
  /** fileID of the face photo for a comparison without liveness (Megvii App raw_image). */
  image?: string;
  uuid?: string;
  bizNo?: string;
  consentVersion?: string;
  options: TokenOptions;
}

function parseOptions(value: unknown): TokenOptions {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new FaceIdError('INVALID_EVENT', { param: 'options' });
  const raw = value as Record<string, unknown>;
  const options: Record<string, number | string> = {};
  for (const key of Object.keys(raw)) {
    if (!Object.prototype.hasOwnProperty.call(TOKEN_OPTION_TYPES, key)) {
      throw new FaceIdError('INVALID_EVENT', { param: `options.${key}`, detail: `unknown option ${key}` });
    }
    const type = TOKEN_OPTION_TYPES[key as keyof TokenOptions];
    const v = raw[key];
    if (v === undefined || v === null) continue;
    const isNumber = typeof v === 'number' && Number.isFinite(v);
    const isString = typeof v === 'string' && v.length <= MAX_OPTION_STRING;
    const ok = type === 'number' ? isNumber : type === 'string' ? isString : isNumber || isString;
    if (!ok) {
      throw new FaceIdError('INVALID_EVENT', {
        param: `options.${key}`,
        detail: `${key} must be ${type === 'either' ? 'a number or a string' : `a ${type}`}`,
      });
    }
    options[key] = v as number | string;
  }
  return options;
}

/** Checks the event's types and the person's data with the shared domain checks (no network). */
export function parseTokenEvent(event: unknown, now: Date): TokenInput {
  const obj = eventObject(event);
  const mode = own(obj, 'mode');
  if (typeof mode !== 'string' || !(VERIFICATION_MODES as readonly string[]).includes(mode)) {
    throw new FaceIdError(mode === undefined ? 'MISSING_ARGUMENTS' : 'INVALID_EVENT', { param: 'mode' });
  }
  const input: TokenInput = {
    mode: mode as VerificationMode,
    imageRefs: [],
    uuid: optionalString(obj, 'uuid', 512),
    image: optionalString(obj, 'image', 1024),
    bizNo: optionalString(obj, 'bizNo', 64),
    consentVersion: optionalString(obj, 'consentVersion', 32),
    options: parseOptions(own(obj, 'options')),
  };
  if (input.bizNo !== undefined && !/^[A-Za-z0-9_-]+$/.test(input.bizNo)) {
    throw new FaceIdError('INVALID_EVENT', {
      param: 'bizNo',
      detail: 'bizNo allows letters, digits, _ and -',
    });
  }
  if (input.mode === 'idcard') {
    const name = checkName(own(obj, 'idcardName'));
    if (!name.ok) {
      const code = name.problem === 'empty' ? 'MISSING_ARGUMENTS' : 'INVALID_NAME_FORMAT';
      throw new FaceIdError(code, { param: 'idcard_name', messageZh: name.message });
    }
    const number = checkIdNumber(own(obj, 'idcardNumber'), now);
    if (!number.ok) {
      const code = number.problem === 'empty' ? 'MISSING_ARGUMENTS' : 'INVALID_IDCARD_NUMBER';
      throw new FaceIdError(code, { param: 'idcard_number', messageZh: number.message });
    }
    input.idcard = { name: name.value, number: number.value };
  }
  if (input.mode === 'reference') {
    const ref1 = optionalString(obj, 'imageRef1', 1024);
    const ref2 = optionalString(obj, 'imageRef2', 1024);
    if (!ref1) throw new FaceIdError('MISSING_ARGUMENTS', { param: 'image_ref1' });
    input.imageRefs = ref2 ? [ref1, ref2] : [ref1];
  }
  return input;
}

/** A photo that was deleted (or reached its end) is not a bad file: the person is asked for a new one. */
function photoExpired(param: string): FaceIdError {
  return new FaceIdError('PHOTO_EXPIRED', { param, detail: 'the photo was deleted or reached its end' });
}

/** Cloud storage's "storage file not exists" (STORAGE_FILE_NONEXIST, errCode -503003). */
function isFileMissing(err: unknown): boolean {
  const { errCode, errMsg, message } = (err ?? {}) as {
    errCode?: unknown;
    errMsg?: unknown;
    message?: unknown;
  };
  const text = [errMsg, message].filter((part): part is string => typeof part === 'string').join(' ');
  return errCode === -503003 || /file not exist/i.test(text);
}

async function loadReferenceImages(
  input: TokenInput,
  caller: Caller,
  services: Services,
): Promise<TokenRequest['images']> {
  const wanted: Array<[keyof NonNullable<TokenRequest['images']>, string, string]> = input.imageRefs.map(
    (fileID, index) => [index === 0 ? 'ref1' : 'ref2', `image_ref${index + 1}`, fileID],
  );
  if (input.image) wanted.push(['image', 'image', input.image]);
  if (wanted.length === 0) return undefined;
  const images: NonNullable<TokenRequest['images']> = {};
  let total = 0;
  for (const [slot, param, fileID] of wanted) {
    const path = fileIdPath(fileID);
    if (!path || path.includes('..'))
      throw new FaceIdError('INVALID_EVENT', { param, detail: 'not a cloud fileID' });
    if (caller.openid !== null && !path.startsWith(uploadDirFor(caller.openid))) {
      throw new FaceIdError('FORBIDDEN', {
        param,
        detail: 'reference photo outside the caller’s folder',
        messageZh: '只能使用您本人上传的照片',
      });
    }
    if (caller.openid !== null && (await services.photos.find(fileID))?.openid !== caller.openid)
      throw photoExpired(param);
    let data: Buffer;
    try {
      data = (await services.files.downloadFile({ fileID })).fileContent;
    } catch (err) {
      if (err instanceof FaceIdError) throw err;
      if (isFileMissing(err)) throw photoExpired(param);
      throw new FaceIdError('INVALID_IMAGE', {
        param,
        detail: 'the photo could not be downloaded',
        messageZh: '照片读取失败，请重新上传',
      });
    }
    const info = sniffImage(data);
    const tooLarge = !!info && (info.width > MAX_IMAGE_SIDE || info.height > MAX_IMAGE_SIDE);
    if (!info || tooLarge) {
      // A file that can never be sent goes at once: the person is asked for another one.
      if (caller.openid !== null) await deletePhotos([fileID], services);
      throw new FaceIdError(info ? 'INVALID_IMAGE_SIZE' : 'INVALID_IMAGE', { param });
    }
    total += data.length;
    if (total > MAX_REQUEST_BYTES - 64 * 1024) throw new FaceIdError('REQUEST_TOO_LARGE', { param });
    images[slot] = {
      data,
      filename: `${param}.${info.format === 'png' ? 'png' : 'jpg'}`,
      contentType: `image/${info.format}`,
    };
  }
  return images;
}

/** A new business number: date, then 16 random hex digits. */
export function newBizNo(now: number): string {
  const day = new Date(now).toISOString().slice(0, 10).replace(/-/g, '');
  return `fid${day}${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

/** A stable, non-reversible user id for FaceID's `uuid` (the openid itself never leaves the backend). */
export function uuidFor(caller: Caller): string {
  return caller.openid
    ? `u${createHash('sha256').update(caller.openid).digest('hex').slice(0, 40)}`
    : 'console';
}

function tokenAnswer(record: TokenRecord, provider: FaceIdProvider): GetBizTokenOk {
  return {
    ok: true,
    bizToken: record.bizToken,
    bizNo: record.bizNo,
    expiresAt: record.expiresAt,
    provider: provider.name,
    client: record.client,
  };
}

function inProgress(): FaceIdError {
  return new FaceIdError('SERVICE_BUSY', {
    param: 'bizNo',
    detail: 'a token for this bizNo is being issued',
    messageZh: '正在创建认证，请稍候',
  });
}

function alreadyUsed(): FaceIdError {
  return new FaceIdError('INVALID_EVENT', {
    param: 'bizNo',
    detail: 'this bizNo was already used',
    messageZh: '该业务流水号已使用，请重新发起认证',
  });
}

/** How long a request for a bizNo that another request is buying waits for that token before answering busy. */
const WAIT_FOR_WINNER_MS = 3000;
const WAIT_STEP_MS = 100;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** FACEID_RATE_LIMIT of an environment (the operator's deploy checks run the functions' own reading). */
export function rateLimitFromEnv(env: Env): Config['FACEID_RATE_LIMIT'] {
  return readConfig(env).FACEID_RATE_LIMIT;
}

/** The caller's rate-limit budget: tokens FaceID issued (or is issuing) in the window; console calls have none. */
function rateBudget({
  caller,
  config,
}: Services): { key: string; count: number; windowMs: number } | undefined {
  const { count, windowMs } = config.FACEID_RATE_LIMIT;
  return caller.openid === null ? undefined : { key: `token:${caller.openid}`, count, windowMs };
}

function rateLimited(budget: { count: number; windowMs: number }, at: number): FaceIdError {
  const retryAt = (Math.floor(at / budget.windowMs) + 1) * budget.windowMs;
  const minutes = Math.max(1, Math.ceil((retryAt - at) / 60_000));
  return new FaceIdError('RATE_LIMITED', {
    detail: `more than ${budget.count} tokens in ${budget.windowMs / 1000}s`,
    messageZh: `发起认证过于频繁，请 ${minutes} 分钟后再试`,
    retryAt,
  });
}

/** Whether a failed token call may have bought a token after all (no answer came back). */
function mayHaveIssued(err: unknown): boolean {
  return err instanceof FaceIdError && err.code === 'UPSTREAM_TIMEOUT';
}

/** Deletes reference photos once FaceID has them (or the call ended without a token); resolves whether it did. */
async function deletePhotos(
  fileIDs: string[] | undefined,
  { files, photos, log }: Services,
): Promise<boolean> {
  if (!fileIDs?.length) return true;
  try {
    await files.deleteFile({ fileList: fileIDs });
    await photos.forget(fileIDs);
    return true;
  } catch (err) {
    log.warn({ fn: 'getBizToken', event: 'photo-delete-failed', errorName: (err as Error).name });
    return false;
  }
}

/**
 * Buys the token for a `requesting` record this request owns: one upstream call, then one update recording
 * the token (or the failure). The rate-limit unit is given back when no token can have been bought.
 */
async function buyToken(
  record: RequestingRecord,
  request: ValidTokenRequest,
  provider: FaceIdProvider,
  services: Services,
  giveBack: () => Promise<void>,
): Promise<GetBizTokenOk> {
  const { store, now, log } = services;
  let issued: IssuedToken;
  try {
    issued = await provider.issueToken(request);
  } catch (err) {
    const code = err instanceof FaceIdError ? err.code : 'INTERNAL';
    const photosGone = await Promise.all([
      store.fail(record, code, now()),
      mayHaveIssued(err) ? undefined : giveBack(),
      deletePhotos(record.photoFileIDs, services),
    ]).then(([, , deleted]) => deleted);
    if (photosGone && record.photoFileIDs?.length) await store.forgetPhotos(record._id);
    throw err;
  }
  const token: TokenFields = {
    bizToken: issued.bizToken,
    expiresAt: issued.expiresAt,
    client: issued.client,
    resultRef: issued.resultRef,
  };
  const budgeted = provider.resultCallsPerDay !== undefined;
  const [won, photosGone] = await Promise.all([
    store.issue(record, token, { resultCalls: budgeted ? { day: '', count: 0 } : undefined }),
    deletePhotos(record.photoFileIDs, services),
  ]);
  if (photosGone && record.photoFileIDs?.length) await store.forgetPhotos(record._id);
  if (!won) {
    // Our attempt was taken over as stale while FaceID answered: the record holds the newer attempt's story.
    log.warn({ fn: 'getBizToken', event: 'attempt-superseded', bizNo: record.bizNo });
    throw inProgress();
  }
  log.info({
    fn: 'getBizToken',
    event: 'issued',
    bizNo: record.bizNo,
    provider: provider.name,
    mode: request.mode,
  });
  return tokenAnswer({ ...record, ...token, status: 'issued' }, provider);
}

/**
 * What a request for a bizNo that already has a record gets: the token already issued (never a second paid
 * call), the winner's token after a short wait while another request buys it, a new attempt after a failure
 * (or a `requesting` record left stale by a stopped function), or a refusal.
 */
async function continueExisting(
  bizNo: string,
  request: ValidTokenRequest,
  provider: FaceIdProvider,
  services: Services,
): Promise<GetBizTokenOk> {
  const { caller, store, now, log } = services;
  const waitUntil = now() + WAIT_FOR_WINNER_MS;
  for (;;) {
    const existing = await store.getById(bizNo);
    if (!existing) throw inProgress();
    if (existing.openid !== caller.openid) {
      throw new FaceIdError('INVALID_EVENT', { param: 'bizNo', detail: 'bizNo belongs to another caller' });
    }
    const at = now();
    if (existing.status === 'issued' && existing.expiresAt > at) {
      log.info({ fn: 'getBizToken', event: 'reused', bizNo });
      return tokenAnswer(existing, provider);
    }
    const stale = existing.status === 'requesting' && existing.requestedAt < at - REQUESTING_STALE_MS;
    if (existing.status === 'failed' || stale) {
      const budget = rateBudget(services);
      if (budget && !(await store.take(budget.key, budget.count, at, budget.windowMs)))
        throw rateLimited(budget, at);
      const giveBack = async () => {
        if (budget) await store.giveBack(budget.key, at, budget.windowMs);
      };
      const mine = await store.retry(existing, at, at - REQUESTING_STALE_MS);
      if (mine) return buyToken(mine, request, provider, services, giveBack);
      await giveBack();
      continue;
    }
    if (existing.status !== 'requesting') throw alreadyUsed();
    if (at >= waitUntil) throw inProgress();
    await sleep(WAIT_STEP_MS);
  }
}

/**
 * Issues a FaceID token for the caller: checks everything offline first, then — side by side — records the
 * verification (masked) with a guarded insert and takes one unit of the caller's rate limit, then makes exactly
 * one upstream call and one update. A repeated bizNo gets the token already issued for it; whatever the
 * concurrency, one bizNo has at most one paid token.
 */
export async function getBizToken(event: unknown, services: Services): Promise<GetBizTokenOk> {
  const { caller, store, now } = services;
  const input = parseTokenEvent(event, new Date(now()));
  const provider = createProvider({ config: services.config, now, purpose: 'token' });
  const bizNo = input.bizNo ?? newBizNo(now());
  const images = await loadReferenceImages(input, caller, services);
  const request = provider.validate({
    mode: input.mode,
    bizNo,
    idcard: input.idcard,
    images,
    uuid:
      input.mode === 'reference' || input.mode === 'liveness' ? (input.uuid ?? uuidFor(caller)) : input.uuid,
    options: input.options,
  });

  const at = now();
  const photoFileIDs = [...input.imageRefs, ...(input.image ? [input.image] : [])];
  const record: RequestingRecord = {
    _id: bizNo,
    openid: caller.openid,
    bizNo,
    mode: input.mode,
    provider: provider.name,
    status: 'requesting',
    attempt: 1,
    requestedAt: at,
    consentVersion: input.consentVersion,
    maskedName: input.idcard ? maskName(input.idcard.name) : undefined,
    maskedIdNumber: input.idcard ? maskIdNumber(input.idcard.number) : undefined,
    photoFileIDs: photoFileIDs.length ? photoFileIDs : undefined,
    createdAt: at,
  };
  const budget = rateBudget(services);
  const [inserted, allowed] = await Promise.all([
    store.begin(record),
    budget ? store.take(budget.key, budget.count, at, budget.windowMs) : true,
  ]);
  const giveBack = async () => {
    if (budget) await store.giveBack(budget.key, at, budget.windowMs);
  };
  if (!inserted) {
    if (allowed) await giveBack();
    return continueExisting(bizNo, request, provider, services);
  }
  if (!allowed && budget) {
    // Refused before any paid call: the record goes, the photos stay for the person's next try.
    await store.delete(bizNo);
    services.log.warn({ fn: 'getBizToken', event: 'rate-limited', code: 'RATE_LIMITED' });
    throw rateLimited(budget, at);
  }
  return buyToken(record, request, provider, services, giveBack);
}
