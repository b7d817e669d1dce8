/**
 * The FaceID products and their token options, declared once as data: each product's modes, and per option its
 * wire name, the rule its value must meet, the modes it is taken in and a one-line doc. The pages' option type
 * (TokenOptions), the functions' one check of a request's options and the fields sent upstream are all derived
 * from these tables (server/providers/options.ts derives the last two).
 */

/** How the person proves who they are. `liveness` (no comparison) exists only for providers that support it. */
export type VerificationMode = 'idcard' | 'ocr' | 'reference' | 'liveness';

export const VERIFICATION_MODES: readonly VerificationMode[] = ['idcard', 'ocr', 'reference', 'liveness'];

/** The languages of the mini-program's copy; getBizToken turns the person's into the product's language option. */
export const LOCALES = ['zh', 'en'] as const;

export type Locale = (typeof LOCALES)[number];

type Scalar = number | string;

/** What a value must be, as the product's seed states it: exactly one rule. */
export type OptionRule =
  | { readonly oneOf: readonly Scalar[] }
  /** An integer within [min, max]. */
  | { readonly int: readonly [number, number] }
  /** A number within [min, max]. */
  | { readonly range: readonly [number, number] }
  /** A string of at most this many UTF-8 bytes. */
  | { readonly maxBytes: number }
  /** A short word: letters, digits, `_`, `-`, `.`, at most 64 (values the table of docs/providers.md#doc-megvii-overseas lost, checked for form). */
  | { readonly word: true }
  /** A comma list of distinct values. */
  | { readonly list: readonly string[] };

/** One token option of one product. */
export type OptionSpec = OptionRule & {
  /** The seed's field name, sent upstream. */
  readonly wire: string;
  readonly doc: string;
  /** Modes the option is taken in (refused in the others); absent: every mode of the product. */
  readonly modes?: readonly VerificationMode[];
  /** Accepted in every mode but sent only in `modes` (the product ignores it elsewhere). */
  readonly ignoredElsewhere?: true;
  /** Taken only while other options hold one of these values (their `default` when absent). */
  readonly when?: Readonly<Record<string, readonly Scalar[]>>;
  /** The value the product assumes when the option is absent. */
  readonly default?: Scalar;
  /** Whether `default` is sent when the option is absent (the seed requires the field). */
  readonly sendDefault?: true;
  /** The value for the person's locale (getBizToken's `locale`) when the caller gives none. */
  readonly fromLocale?: Readonly<Record<Locale, Scalar>>;
};

/** Who processes the face and identity data for a product: the consent and the privacy policy name them. */
export type Processor = 'megvii' | 'wechat';

/** One FaceID product: who processes the data, the modes it offers and its token call's options, in checking order. */
export interface ProductSpec {
  readonly processor: Processor;
  readonly modes: readonly VerificationMode[];
  readonly options: Readonly<Record<string, OptionSpec>>;
}

/** Every FaceID product this backend serves (FACEID_PROVIDER names one), with its modes and options. */
export const PRODUCTS = {
  // docs/providers.md#doc-fidlite: FaceID Lite through the Aliyun market
  fidlite: {
    processor: 'megvii',
    modes: ['idcard', 'ocr', 'reference'],
    options: {
      securityLevel: {
        wire: 'security_level',
        oneOf: [1, 2, 3],
        doc: 'liveness strictness, 3 strictest',
      },
      livenessPreferences: { wire: 'liveness_preferences', oneOf: [1, 2], doc: 'liveness flavour' },
      livenessRetryCount: { wire: 'liveness_retry_count', int: [1, 5], doc: 'liveness attempts' },
      idcardRetryTime: {
        wire: 'idcard_retry_time',
        int: [1, 5],
        doc: 'ID-card photo attempts',
        modes: ['ocr'],
        ignoredElsewhere: true,
      },
      idcardSide: {
        wire: 'idcard_side',
        oneOf: [0, 1],
        doc: '1: photograph the portrait side only',
        modes: ['ocr'],
        ignoredElsewhere: true,
      },
      idcardThreshold: {
        wire: 'idcard_threshold',
        range: [0, 1],
        doc: 'ID-card photo quality threshold',
        modes: ['ocr'],
        ignoredElsewhere: true,
      },
    },
  },
  // docs/providers.md#doc-megvii-lite: Megvii FaceID Lite (H5)
  'megvii-lite': {
    processor: 'megvii',
    modes: ['idcard', 'ocr', 'reference'],
    options: {
      bizExtraData: {
        wire: 'biz_extra_data',
        maxBytes: 4096,
        doc: 'data FaceID hands back with the result',
      },
      webTitle: { wire: 'web_title', maxBytes: 32, doc: 'title of the H5 page' },
      sceneId: { wire: 'scene_id', word: true, doc: 'scene configured in the Megvii console' },
      procedureType: {
        wire: 'procedure_type',
        oneOf: ['video', 'selfie'],
        doc: 'liveness by video or by selfie',
        default: 'video',
      },
      livenessPreferences: {
        wire: 'liveness_preferences',
        oneOf: ['none', 'selfie_no_metadata_check', 'video_strict'],
        doc: 'liveness flavour (selfie_… with selfie, video_strict with video)',
      },
      multiOrientedDetection: {
        wire: 'multi_oriented_detection',
        oneOf: [0, 1],
        doc: 'detect rotated faces',
      },
      idcardMode: {
        wire: 'idcard_mode',
        oneOf: [0, 1, 2, 3, 4],
        doc: 'how the ID card is given: 0 typed (mode idcard), 1.. photographed (default for ocr)',
        modes: ['idcard', 'ocr'],
      },
      idcardUneditableField: {
        wire: 'idcard_uneditable_field',
        list: ['idcard_name', 'idcard_number', 'idcard_valid_date', 'idcard_issued_by'],
        doc: 'OCR fields the person may not correct',
        modes: ['idcard', 'ocr'],
      },
    },
  },
  // docs/providers.md#doc-megvii-app: Megvii FaceID App (MegLiveStill SDK)
  'megvii-app': {
    processor: 'megvii',
    modes: ['idcard', 'reference'],
    options: {
      livenessType: {
        wire: 'liveness_type',
        oneOf: ['meglive', 'still', 'raw_image'],
        doc: 'actions, a still face, or a given photo without liveness',
        default: 'meglive',
        sendDefault: true,
      },
      livenessActionCount: {
        wire: 'liveness_action_count',
        int: [1, 3],
        doc: 'actions asked for',
        when: { livenessType: ['meglive'] },
      },
      eyesCloseDetection: {
        wire: 'eyes_close_detection',
        oneOf: [0, 1],
        doc: 'refuse closed eyes',
        when: { livenessType: ['still'] },
      },
      failWhenMultipleFaces: {
        wire: 'fail_when_multiple_faces',
        oneOf: [0, 1],
        doc: 'refuse a photo with several faces',
        when: { livenessType: ['raw_image'] },
      },
      faceQualityThreshold: {
        wire: 'face_quality_threshold',
        int: [0, 100],
        doc: 'least face quality of the photo',
        when: { livenessType: ['raw_image'] },
      },
      returnFaces: {
        wire: 'return_faces',
        oneOf: [0, 1],
        doc: 'return the detected faces',
        when: { livenessType: ['raw_image'] },
      },
      securityLevel: { wire: 'security_level', oneOf: [1, 2, 3, 4], doc: 'comparison strictness' },
      forceCompare: { wire: 'force_compare', oneOf: [0, 1], doc: 'compare even when liveness fails' },
      verbose: { wire: 'verbose', oneOf: [0, 1], doc: 'detailed result' },
      multiOrientedDetection: {
        wire: 'multi_oriented_detection',
        oneOf: [0, 1],
        doc: 'detect rotated faces',
      },
      livenessTimeout: { wire: 'liveness_timeout', int: [5, 60], doc: 'seconds the liveness may take' },
    },
  },
  // docs/providers.md#doc-megvii-overseas: Megvii FaceID overseas premium (H5)
  'megvii-overseas': {
    processor: 'megvii',
    modes: ['reference', 'liveness'],
    options: {
      sceneId: { wire: 'scene_id', word: true, doc: 'scene configured in the Megvii console' },
      language: {
        wire: 'language',
        word: true,
        doc: 'language of the H5 page',
        fromLocale: { zh: 'zh', en: 'en' },
      },
      procedureType: { wire: 'procedure_type', word: true, doc: 'liveness procedure' },
      procedurePriority: { wire: 'procedure_priority', word: true, doc: 'procedure to try first' },
      bizExtraData: {
        wire: 'biz_extra_data',
        maxBytes: 4096,
        doc: 'data FaceID hands back with the result',
      },
      getShootingError: { wire: 'get_shooting_error', oneOf: [0, 1], doc: 'report shooting errors' },
      maximumShootingTime: { wire: 'maximum_shooting_time', int: [2, 60], doc: 'seconds of shooting' },
      multiOrientedDetection: {
        wire: 'multi_oriented_detection',
        oneOf: [0, 1],
        doc: 'detect rotated faces',
      },
      failWhenRefMultipleFaces: {
        wire: 'fail_when_ref_multiple_faces',
        oneOf: [0, 1],
        doc: 'refuse a reference photo with several faces',
      },
      returnMultifacesTag: { wire: 'return_multifaces_tag', oneOf: [0, 1], doc: 'tag several faces' },
      fmpMode: { wire: 'fmp_mode', oneOf: [0, 1], doc: 'FMP liveness mode' },
      getFailReason: { wire: 'get_fail_reason', oneOf: [0, 1], doc: 'report why liveness failed' },
      faceOcclusionDetection: {
        wire: 'face_occlusion_detection',
        oneOf: [0, 1],
        doc: 'refuse covered faces',
      },
      eyeCloseDetection: { wire: 'eye_close_detection', oneOf: [0, 1], doc: 'refuse closed eyes' },
      actionHttpMethod: {
        wire: 'action_http_method',
        oneOf: ['GET', 'POST'],
        doc: 'method of return_url',
      },
      redirectType: { wire: 'redirect_type', oneOf: [0, 1], doc: 'how the page returns' },
    },
  },
  // docs/providers.md#doc-megvii-raw: Megvii FaceID H5 Lite Raw (flash liveness)
  'megvii-raw': {
    processor: 'megvii',
    modes: ['reference'],
    options: {
      maxUploadTimes: {
        wire: 'max_upload_times',
        int: [2, 5],
        doc: 'uploads the person may make',
        default: 5,
        sendDefault: true,
      },
      lifeTime: {
        wire: 'life_time',
        int: [5, 1440],
        doc: 'minutes the token lives',
        default: 60,
        sendDefault: true,
      },
      colorNumber: { wire: 'color_number', oneOf: [4, 6, 8], doc: 'colours flashed' },
      procedureType: { wire: 'procedure_type', oneOf: ['raw_flash'], doc: 'liveness procedure' },
      language: {
        wire: 'language',
        oneOf: [0, 1],
        doc: 'page language: 0 English, 1 Chinese',
        fromLocale: { zh: 1, en: 0 },
      },
      livenessPreferences: { wire: 'liveness_preferences', oneOf: ['none'], doc: 'liveness flavour' },
      multiOrientedDetection: {
        wire: 'multi_oriented_detection',
        oneOf: [0, 1],
        doc: 'detect rotated faces',
      },
      failWhenRefMultipleFaces: {
        wire: 'fail_when_ref_multiple_faces',
        oneOf: [0, 1],
        doc: 'refuse a reference photo with several faces',
      },
      returnMultifacesTag: { wire: 'return_multifaces_tag', oneOf: [0, 1], doc: 'tag several faces' },
      faceOcclusionDetection: {
        wire: 'face_occlusion_detection',
        oneOf: [0, 1],
        doc: 'refuse covered faces',
      },
    },
  },
  // WeChat 人脸核身 2.0 (getVerifyId → wx.requestFacialVerify → queryVerifyInfo): name and ID number only, no options
  wechat: {
    processor: 'wechat',
    modes: ['idcard'],
    options: {},
  },
} as const satisfies Record<string, ProductSpec>;

type Products = typeof PRODUCTS;

/** A FaceID product this backend can serve. */
export type ProductName = keyof Products;

type OptionTable = Products[ProductName]['options'];
type KeysOf<T> = T extends unknown ? keyof T : never;
type SpecsOf<K extends PropertyKey> = OptionTable extends infer T
  ? T extends unknown
    ? K extends keyof T
      ? T[K]
      : never
    : never
  : never;
type ValueOf<S> = S extends { oneOf: readonly (infer V)[] }
  ? V
  : S extends { int: unknown } | { range: unknown }
    ? number
    : string;

/** A token option key of any product (camelCase of its seed name). */
type TokenOptionKey = KeysOf<OptionTable>;

/**
 * Tuning the caller may pass through to the active product's token call: every product's options, each value
 * typed as the products taking it allow. Each product uses only its own keys (others are refused).
 */
export type TokenOptions = { [K in TokenOptionKey]?: ValueOf<SpecsOf<K>> };
