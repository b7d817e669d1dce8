import type { TokenClient, TokenOptions, VerificationMode } from '../../miniprogram/shared/events';
import type { ProductName } from '../../miniprogram/shared/token-options';

/** FaceID products this backend can serve, chosen by FACEID_PROVIDER. */
export type ProviderName = ProductName;

/** An image file to send upstream. */
export interface ImageFile {
  data: Buffer;
  filename: string;
  contentType: string;
}

/** What every provider needs to issue a token, already checked for types by the cloud function. */
export interface TokenRequest {
  mode: VerificationMode;
  bizNo: string;
  idcard?: { name: string; number: string };
  images?: { ref1?: ImageFile; ref2?: ImageFile; image?: ImageFile };
  uuid?: string;
  /** The person's openid, for a product that binds the verification to them (WeChat); none for the operator. */
  openid?: string;
  options: TokenOptions;
}

declare const validated: unique symbol;

/** A token request the provider's validate accepted: the only kind issueToken takes, so each is checked once. */
export type ValidTokenRequest = TokenRequest & { readonly [validated]: true };

export interface IssuedToken {
  bizToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  client: TokenClient;
  /** The provider's own handle for get_result where it differs from the token (Megvii Lite's biz_id). */
  resultRef?: string;
}

export interface Comparison {
  confidence: number;
  thresholds: { '1e-3': number; '1e-4': number; '1e-5': number; '1e-6': number };
}

/** OCR fields as FaceID returns them: personal data, to be masked before storing or returning. */
export interface IdcardFields {
  name?: string;
  idcardNumber?: string;
  gender?: string;
  validDateEnd?: string;
}

/** A get_result answer in the product's terms (result codes of docs/providers.md#doc-fidlite). */
export interface ProviderResult {
  bizToken: string;
  bizNo: string;
  resultCode: number;
  resultMessage: string;
  verification?: { idcard?: Comparison; ref1?: Comparison; ref2?: Comparison };
  idcard?: IdcardFields;
  /** Base64 evidence images by name; never returned to the client. */
  images?: Record<string, string>;
  /** The product compared the face with the identity itself and reports no confidence (WeChat's verify_ret 10000). */
  comparedByProvider?: true;
}

/** What get_result is asked about: the token, the provider's own handle, and the record's bizNo and owner. */
export interface ResultRef {
  bizToken: string;
  resultRef?: string;
  bizNo?: string;
  /** The record's openid (null for the operator's own). */
  openid?: string | null;
}

/** One FaceID product behind the common interface: validate offline, issue a token, read a result. */
export interface FaceIdProvider {
  readonly name: ProviderName;
  /** How often get_result may be called per verification and day (Megvii Lite: 3); absent: no limit. */
  readonly resultCallsPerDay?: number;
  /**
   * Checks a request against the product's modes, option table and parameter rules without any network call;
   * throws FaceIdError.
   */
  validate(req: TokenRequest): ValidTokenRequest;
  /** Buys a token for a validated request (one upstream call, no second check). */
  issueToken(req: ValidTokenRequest): Promise<IssuedToken>;
  fetchResult(ref: ResultRef): Promise<ProviderResult>;
  /**
   * Reads a notify callback's form fields: which verification it is about. Verifies the signature where the
   * product signs its notifies (throws FORBIDDEN when it does not match). The outcome is never taken from it.
   */
  readNotify(fields: Record<string, string>): NotifyRef;
}

/** What a notify callback identifies: the token, or the provider's own handle. */
export interface NotifyRef {
  bizToken?: string;
  resultRef?: string;
}
