import { createHash, randomUUID } from 'node:crypto';
import { FaceIdError } from '../errors';
import {
  LOCALES,
  VERIFICATION_MODES,
  uploadDirFor,
  type GetBizTokenOk,
  type Locale,
  type TokenOptions,
  type VerificationMode,
} from '../../miniprogram/shared/events';
import { CONSENT_VERSION } from '../../miniprogram/shared/consent';
import { checkIdNumber, checkName } from '../../miniprogram/shared/idcard';
import { isExternalRef, MAX_EXTERNAL_REF_LENGTH } from '../../miniprogram/shared/external-ref';
import { MAX_IMAGE_SIDE, MAX_REQUEST_BYTES, sniffImage } from '../image';
import { fileIdPath } from '../photos';
import { maskIdNumber, maskName } from '../mask';
import { createProvider } from '../providers';
import { withLocaleOptions } from '../providers/locale-options';
import type { TokenRequest } from '../providers/types';
import type { Caller, Services } from '../runtime';
import { deletePhotos, requestToken } from '../lifecycle';
import { readConfig, type Config, type Env } from '../config';
import { eventObject, optionalString, own } from './input';

/** The getBizToken event after type checks: what the person submitted, nothing else. */
interface TokenInput {
  mode: VerificationMode;
  idcard?: { name: string; number: string };
  imageRefs: string[];
  /** fileID of the face photo for a comparison without liveness (Megvii App raw_image). */
  image?: string;
  uuid?: string;
  bizNo?: string;
  consentVersion?: string;
  /** The business's own reference for this verification. */
  externalRef?: string;
  /** The person's language, for the product's language option. */
  locale?: Locale;
  options: TokenOptions;
}

/**
 * The event's options as given, `null` meaning absent. Which keys a product takes and what each value must be is
 * decided once, by the product's table (providers/options.ts): INVALID_EVENT options.<key>, else BAD_ARGUMENTS.
 */
function parseOptions(value: unknown): TokenOptions {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new FaceIdError('INVALID_EVENT', { param: 'options' });
  return Object.fromEntries(
    Object.entries(value).filter(([, option]) => option !== undefined && option !== null),
  );
}

/** Checks the event's types and the person's data with the shared domain checks (no network). */
function parseTokenEvent(event: unknown, now: Date): TokenInput {
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
  const externalRef = own(obj, 'externalRef');
  if (externalRef !== undefined && externalRef !== null && externalRef !== '') {
    if (!isExternalRef(externalRef))
      throw new FaceIdError('INVALID_EXTERNAL_REF', {
        param: 'externalRef',
        detail: `externalRef allows at most ${MAX_EXTERNAL_REF_LENGTH} letters, digits, _ . : and -`,
      });
    input.externalRef = externalRef;
  }
  const locale = own(obj, 'locale');
  if (locale !== undefined && locale !== null) {
    if (!(LOCALES as readonly unknown[]).includes(locale))
      throw new FaceIdError('INVALID_EVENT', {
        param: 'locale',
        detail: `locale is ${LOCALES.join(' or ')}`,
      });
    input.locale = locale as Locale;
  }
  if (input.mode === 'idcard') {
    const name = checkName(own(obj, 'idcardName'));
    if (!name.ok) {
      const code = name.problem === 'empty' ? 'MISSING_ARGUMENTS' : 'INVALID_NAME_FORMAT';
      throw new FaceIdError(code, { param: 'idcard_name', reason: name.reason });
    }
    const number = checkIdNumber(own(obj, 'idcardNumber'), now);
    if (!number.ok) {
      const code = number.problem === 'empty' ? 'MISSING_ARGUMENTS' : 'INVALID_IDCARD_NUMBER';
      throw new FaceIdError(code, { param: 'idcard_number', reason: number.reason });
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
    if (caller.kind === 'user' && !path.startsWith(uploadDirFor(caller.openid))) {
      throw new FaceIdError('FORBIDDEN', {
        param,
        detail: 'reference photo outside the caller’s folder',
        reason: 'PHOTO_NOT_OWN',
      });
    }
    if (caller.kind === 'user' && (await services.photos.find(fileID))?.openid !== caller.openid)
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
        reason: 'PHOTO_UNREADABLE',
      });
    }
    const info = sniffImage(data);
    const tooLarge = !!info && (info.width > MAX_IMAGE_SIDE || info.height > MAX_IMAGE_SIDE);
    if (!info || tooLarge) {
      // A file that can never be sent goes at once: the person is asked for another one.
      if (caller.kind === 'user') await deletePhotos([fileID], services);
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

/**
 * The consent this request carries, checked before anything is downloaded or paid for: a person must send the
 * current CONSENT_VERSION (CONSENT_REQUIRED otherwise, and the page shows the consent again). The operator is not
 * the person being verified and may send none; a version it does send must be the current one.
 */
function acceptedConsent(
  input: TokenInput,
  caller: Caller,
  at: number,
): { consentVersion: string; consentedAt: number } | undefined {
  if (input.consentVersion === undefined && caller.kind === 'operator') return undefined;
  if (input.consentVersion !== CONSENT_VERSION)
    throw new FaceIdError('CONSENT_REQUIRED', {
      param: 'consentVersion',
      detail: input.consentVersion === undefined ? 'no consent version' : 'not the current consent version',
    });
  return { consentVersion: input.consentVersion, consentedAt: at };
}

/** A new business number: date, then 16 random hex digits. */
function newBizNo(now: number): string {
  const day = new Date(now).toISOString().slice(0, 10).replace(/-/g, '');
  return `fid${day}${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

/** A stable, non-reversible user id for FaceID's `uuid` (the openid itself never leaves the backend). */
function uuidFor(caller: Caller): string {
  return caller.kind === 'user'
    ? `u${createHash('sha256').update(caller.openid).digest('hex').slice(0, 40)}`
    : 'console';
}

/** FACEID_RATE_LIMIT of an environment (the operator's deploy checks run the functions' own reading). */
export function rateLimitFromEnv(env: Env): Config['FACEID_RATE_LIMIT'] {
  return readConfig(env).FACEID_RATE_LIMIT;
}

/**
 * Issues a FaceID token for the caller: checks everything offline first (the person's data, the photos, the
 * product's rules), then buys it under the lifecycle's money rules (see requestToken).
 */
export async function getBizToken(event: unknown, services: Services): Promise<GetBizTokenOk> {
  const { caller, now } = services;
  const input = parseTokenEvent(event, new Date(now()));
  const consent = acceptedConsent(input, caller, now());
  const provider = createProvider({
    config: services.config,
    now,
    purpose: 'token',
    appid: caller.kind === 'user' ? caller.appid : undefined,
    accessTokens: services.accessTokens,
  });
  const bizNo = input.bizNo ?? newBizNo(now());
  const images = await loadReferenceImages(input, caller, services);
  const request = provider.validate({
    mode: input.mode,
    bizNo,
    idcard: input.idcard,
    images,
    uuid:
      input.mode === 'reference' || input.mode === 'liveness' ? (input.uuid ?? uuidFor(caller)) : input.uuid,
    openid: caller.kind === 'user' ? caller.openid : undefined,
    options: withLocaleOptions(provider.name, input.options, input.locale),
  });
  const photoFileIDs = [...input.imageRefs, ...(input.image ? [input.image] : [])];
  return requestToken(
    {
      bizNo,
      request,
      provider,
      attempt: {
        mode: input.mode,
        provider: provider.name,
        consentVersion: consent?.consentVersion,
        consentedAt: consent?.consentedAt,
        maskedName: input.idcard ? maskName(input.idcard.name) : undefined,
        maskedIdNumber: input.idcard ? maskIdNumber(input.idcard.number) : undefined,
        photoFileIDs: photoFileIDs.length ? photoFileIDs : undefined,
        externalRef: input.externalRef,
      },
    },
    services,
  );
}
