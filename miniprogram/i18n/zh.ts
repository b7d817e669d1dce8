/** Every word the mini-program shows, in Simplified Chinese. `{name}` marks a value filled in by the page. */

import type { ErrorCode } from '../shared/errors';
import type { NameProblem, IdNumberProblem } from '../shared/idcard';
import type { VerificationMode, VerificationStatus } from '../shared/events';
import type { Outcome } from '../shared/result-codes';

/** What the result page says for one outcome: a title and one sentence, per mode where the mode changes it. */
export interface OutcomeCopy {
  title: string;
  /** The sentence for ID-card details (and for every mode without its own). */
  detail: string;
  ocr?: string;
  reference?: string;
  /** Title and sentence in name + ID-number mode, where no ID-card photo was taken. */
  noPhoto?: { title: string; detail: string };
}

type EntryMode = Exclude<VerificationMode, 'liveness'>;

const OUTCOMES: Record<Outcome, OutcomeCopy> = {
  passed: {
    title: '认证通过',
    detail: '已确认是您本人，身份信息核验一致。',
    reference: '已确认您与上传的照片是同一人。',
  },
  not_same_person: {
    title: '不是同一人',
    detail: '您的人脸与身份证登记的照片不一致。请由证件本人在光线充足处正对镜头再试。',
    reference: '您的人脸与上传的照片不一致。请换一张本人近期的清晰正脸照片再试。',
  },
  identity_mismatch: {
    title: '身份信息不一致',
    detail: '姓名与身份证号没有核验通过。请核对后修改。',
    ocr: '身份证上的信息没有核验通过。请使用本人身份证重新拍摄。',
  },
  idcard_error: {
    title: '身份证没有拍清楚',
    detail: '请在光线充足处，将身份证平放、拍全四角后重新拍摄。',
    noPhoto: {
      title: '证件照无法用于比对',
      detail:
        '权威数据源中的证件照暂时无法用于比对，这不是您的原因。请改用“拍摄身份证”重新开始，或联系客服。',
    },
  },
  fake_idcard: {
    title: '证件未通过核验',
    detail: '拍摄的证件没有通过真实性核验。请使用本人身份证原件重新拍摄，不要用复印件或翻拍。',
    noPhoto: {
      title: '证件未通过核验',
      detail: '这个身份证号的证件没有通过核验。请核对身份证号后重新开始，或联系客服。',
    },
  },
  liveness_attack: {
    title: '未能确认是本人操作',
    detail: '没有确认到您本人在镜头前。请本人正对手机前置摄像头，在光线充足处再试。',
  },
  liveness_failed: {
    title: '视频验证未通过',
    detail: '请在安静、光线充足处正对屏幕，清晰地读出数字后再试。',
  },
  account_error: {
    title: '服务暂时不可用',
    detail: '认证服务暂时无法使用，这不是您的原因。请联系客服。',
  },
  cancelled: {
    title: '您已退出验证',
    detail: '验证没有完成，您的信息没有被核验。需要时可以重新开始。',
  },
  not_started: {
    title: '验证没有开始',
    detail: '您还没有完成人脸验证。可以重新开始。',
  },
  expired: {
    title: '验证已过期',
    detail: '这次验证超过 1 小时没有完成，已失效。请重新开始。',
  },
};

export const zh = {
  nav: {
    entry: '实名人脸核身',
    verify: '人脸核身',
    result: '认证结果',
    records: '我的认证记录',
    privacy: '隐私政策',
  },
  support: {
    contact: '联系客服',
    call: '拨打客服电话 {phone}',
    reference: '客服查询编号：{ref}',
    previewContact: '预览中无法打开微信客服会话',
  },
  consent: {
    title: '开始前请了解',
    purpose: '用途：确认是您本人在操作，只用于本次身份核验。',
    collectTitle: '收集与比对：',
    collect: {
      idcard:
        '填写身份证信息：姓名、身份证号和一段您朗读数字的人脸视频，由 FaceID 与权威身份数据源的证件照比对；',
      ocr: '拍摄身份证：身份证正反面照片和人脸视频，比对方式同上；',
      reference: '参考照片：您上传的照片和人脸视频，只与这张照片比对，不核验身份。',
    } satisfies Record<EntryMode, string>,
    processor: '处理方：旷视科技（FaceID）。',
    keep: '保存：记录保存 {days} 天后自动删除，姓名和证件号打码保存；手机上不留存。',
    keepImages: '保存：记录和验证照片保存 {days} 天后自动删除，姓名和证件号打码保存；手机上不留存。',
    keepUnknown: '保存：记录到期后自动删除，姓名和证件号打码保存；手机上不留存。',
    rights: '您的权利：不同意就不会开始；可随时在“我的认证记录”中删除记录；有疑问可联系客服。',
    policy: '完整隐私政策',
    version: '版本 {version}',
    agree: '我已阅读并同意以上说明',
  },
  entry: {
    modeTitle: '选择认证方式',
    consentFirst: '请先阅读并勾选同意上方说明',
    modes: {
      idcard: { title: '填写身份证信息', desc: '输入姓名和身份证号' },
      ocr: { title: '拍摄身份证', desc: '认证时拍摄身份证正反面，无需填写' },
      reference: { title: '使用参考照片', desc: '上传一张本人正脸照片用于比对' },
    } satisfies Record<EntryMode, { title: string; desc: string }>,
    nameLabel: '姓名',
    namePlaceholder: '与身份证一致',
    idLabel: '身份证号',
    idPlaceholder: '18 位居民身份证号',
    ocrNote: '认证开始后，请按提示拍摄身份证人像面和国徽面。请准备好身份证原件。',
    photoNote: '请使用近期、光线充足、只有本人的正脸照片。',
    pickPhoto: '拍摄或选择照片',
    repickPhoto: '重新选择照片',
    photoBusy: '正在处理照片…',
    photoAlt: '已选择的参考照片',
    photoTooLarge: '照片压缩后仍超过 1MB，请换一张照片',
    photoUnreadable: '无法处理这张照片，请换一张',
    photoNoAccess: '无法打开相机或相册，请在设置中允许后重试',
    photoUploadFailed: '照片上传失败，请检查网络后重试',
    photoDeleted: '为保护您的隐私，上一张照片在认证后已删除，请重新选择一张照片。',
    start: '开始人脸核身',
    starting: '正在准备…',
    startingNote: '正在准备认证，请稍候',
    blocked: {
      consent: '请先勾选同意上方说明',
      name: '请填写姓名',
      nameInvalid: '请按提示修改姓名',
      id: '请填写身份证号',
      idInvalid: '请按提示修改身份证号',
      photo: '请先选择一张本人照片',
      busy: '正在处理照片，请稍候',
    },
    rateLimited: '发起次数过多，请在 {time} 后再试。',
    rateLimitedSoon: '发起次数过多，请稍后再试。',
    sdkOnly: '当前认证服务需要在 App 中使用，无法在小程序中完成。请联系客服。',
    records: '我的认证记录',
    recordsHint: '查看或删除您的认证记录',
  },
  nameProblems: {
    empty: '请填写姓名',
    encoding: '姓名中有无法识别的字符，请重新输入',
    characters: '姓名只能填写身份证上的汉字，少数民族姓名中间的点用“·”',
    dot: '姓名中的“·”只能写在两个汉字之间',
    length: '姓名不能超过 32 个字',
  } satisfies Record<NameProblem, string>,
  idProblems: {
    empty: '请填写身份证号',
    length: '身份证号应为 18 位',
    characters: '身份证号只能包含数字，最后一位可以是 X',
    region: '身份证号前两位地区码不正确，请核对',
    birthdate: '身份证号中的出生日期不正确，请核对',
    checksum: '身份证号有误，请逐位核对',
  } satisfies Record<IdNumberProblem, string>,
  errors: {
    MISSING_ARGUMENTS: '缺少必要信息，请补充后重试',
    BAD_ARGUMENTS: '提交的信息格式不正确，请检查后重试',
    AUTHENTICATION_ERROR: '认证服务暂时无法使用，请联系客服',
    AUTHORIZATION_ERROR: '认证服务暂时无法使用，请联系客服',
    CONCURRENCY_LIMIT_EXCEEDED: '当前认证人数较多，请稍后重试',
    IMAGE_ERROR_UNSUPPORTED_FORMAT: '照片无法识别，请换一张 JPG 或 PNG 照片',
    NO_FACE_FOUND: '照片中没有找到人脸，请换一张正脸清晰的照片',
    MULTIPLE_FACES: '照片中有多张人脸，请换一张只有本人的照片',
    INVALID_IMAGE_SIZE: '照片太大，请换一张照片',
    LOW_QUALITY: '照片不够清晰，请换一张清晰的正脸照片',
    INVALID_NAME_FORMAT: '姓名只能填写身份证上的汉字，少数民族姓名中间的点用“·”',
    INVALID_IDCARD_NUMBER: '身份证号有误，请核对',
    API_NOT_FOUND: '认证服务暂时无法使用，请联系客服',
    INTERNAL_ERROR: '认证服务暂时出错，请稍后重试',
    REQUEST_TOO_LARGE: '文件太大，请重新拍摄',
    UPSTREAM_TIMEOUT: '认证服务响应太慢，请稍后重试',
    NETWORK_ERROR: '网络连接失败，请检查网络后重试',
    BAD_UPSTREAM_RESPONSE: '认证服务暂时出错，请稍后重试',
    UPSTREAM_ERROR: '认证服务暂时出错，请稍后重试',
    SERVICE_BUSY: '认证服务繁忙，请稍后再试',
    CONFIG_MISSING: '认证服务暂时无法使用，请联系客服',
    CONFIG_INVALID: '认证服务暂时无法使用，请联系客服',
    INVALID_EVENT: '提交的信息不正确，请检查后重试',
    INVALID_IMAGE: '照片无效，请换一张 JPG 或 PNG 照片',
    PHOTO_EXPIRED: '为保护您的隐私，上次的照片已删除，请重新选择一张照片',
    NOT_FOUND: '没有找到这次认证记录',
    FORBIDDEN: '这条认证记录不属于您',
    CONSENT_REQUIRED: '认证说明已更新，请重新阅读并勾选同意',
    RATE_LIMITED: '发起次数过多，请稍后再试',
    VERIFICATION_IN_PROGRESS: '认证正在创建中，请稍后再删除',
    VERIFICATION_UNCONFIRMED: '上次认证未能确认，请重新开始',
    INVALID_EXTERNAL_REF: '业务方提供的认证编号不正确，请返回业务方重新进入',
    UNAUTHORIZED: '查询密钥缺失或不正确',
    AMBIGUOUS: '多条认证记录使用了这个编号',
    INTERNAL: '系统出错了，请稍后重试',
  } satisfies Record<ErrorCode, string>,
  verify: {
    refreshingTitle: '认证已过期，正在重新开始…',
    refreshingDetail: '请稍候，马上回到验证页面，需要再勾选一次同意。',
    restarted: '已重新开始，请再勾选一次同意',
    failedTitle: '暂时无法开始验证',
    tooMany: '验证多次没能开始。请返回重新开始；如果仍然不行，请联系客服。',
    noFlow: '没有进行中的认证，请返回重新开始。',
    changed: '认证服务设置有变化，请返回重新开始。',
    retry: '再试一次',
    restart: '返回重新开始',
    finishing: '验证已结束，正在查询结果…',
  },
  result: {
    loading: '正在查询认证结果…',
    errorTitle: '暂时无法获取认证结果',
    noToken: '没有找到这次认证，请在“我的认证记录”中查看。',
    reload: '重新查询',
    refresh: '刷新结果',
    identityTitle: '核验的身份',
    nameLabel: '姓名：{name}',
    idLabel: '身份证号：{id}',
    retryAt: '{time} 后可再试',
    newVerification: '开始新的认证',
    /** A FaceID result message that means its own service failed, not the person's video. */
    serviceFault: {
      title: '验证服务暂时出错',
      detail: '这不是您的原因，验证服务暂时出了问题。请稍后再试一次。',
    },
    actions: {
      retry: '再试一次',
      retake: '重新拍摄',
      edit: '修改信息',
      changePhoto: '更换照片',
      newPhoto: '重新选择照片再试',
      restart: '重新开始',
      done: '完成',
      home: '返回首页',
      records: '我的认证记录',
      backToRecords: '返回认证记录',
    },
    outcomes: OUTCOMES,
    /** Sentences for one FaceID result message, where it says more precisely what to do differently. */
    hints: {
      NO_ID_CARD_NUMBER: '没有查到这个身份证号。请核对后修改。',
      ID_NUMBER_NAME_NOT_MATCH: '姓名与身份证号不一致。请核对后修改。',
      IDCARD_PHOTO_FRONTSIDE: '身份证人像面没有拍清楚。请在光线充足处平放拍摄，避免反光。',
      IDCARD_BACKSIDE_BLURRED: '身份证国徽面没有拍清楚。请在光线充足处平放拍摄，避免反光。',
      NO_FACE_FOUND_IDCARD: '身份证人像面上没有找到头像。请拍摄人像面，拍全四角。',
      IDCARD_PHOTO_NOTFRONTSIDE: '拍到的不是身份证人像面。请翻到有头像的一面重新拍摄。',
      IDCARD_PHOTO_NOTBACKSIDE: '拍到的不是身份证国徽面。请翻到有国徽的一面重新拍摄。',
      CHANGE_FACE_ATTACK: '视频中出现了其他人。请本人独自完成验证。',
      NO_FACE_FOUND: '视频中没有看到您的脸。请在光线充足处，让脸完整出现在画面中间。',
      FACE_QUALITY_TOO_LOW: '视频画面不够清晰。请到光线充足处，擦净摄像头后再试。',
      INVALID_VIDEO_DURATION: '录制时间太短或太长。请看清数字后完整读完再停止。',
      VIDEO_TOO_LARGE: '视频太大。请读完数字后立即停止录制。',
      SR_ERROR: '没有听清您读的数字。请在安静处，大声清晰地读出屏幕上的数字。',
      NOT_SYNCHRONIZED: '没有看清您读数字的口型。请正对镜头，让嘴部清晰可见。',
      LIP_VOICE_NOT_SYNC: '声音和口型对不上。请本人正对镜头读出数字。',
      NO_AUDIO: '视频没有声音。请允许微信使用麦克风后再试。',
      VIDEO_FORMAT_UNSUPPORTED: '您的微信无法录制所需的视频。请更新微信后再试。',
      VIDEO_MANY_TIMES: '录制次数已用完。请重新开始，并按提示读出数字。',
      VIDEO_OK: '验证没有走完。请再试一次。',
    } as Record<string, string>,
  },
  records: {
    intro: '只显示您本人的记录，姓名和身份证号已部分隐藏。',
    introDays: '只显示您本人的记录，姓名和身份证号已部分隐藏；记录保存 {days} 天。',
    loading: '正在加载认证记录…',
    errorTitle: '暂时无法加载认证记录',
    reload: '重新加载',
    emptyTitle: '还没有认证记录',
    emptyDetail: '完成人脸核身后，记录会显示在这里。',
    start: '去认证',
    modes: {
      idcard: '填写身份证信息',
      ocr: '拍摄身份证',
      reference: '参考照片',
      liveness: '仅活体检测',
    } satisfies Record<VerificationMode, string>,
    status: {
      requesting: '正在准备',
      issued: '未完成',
      failed: '未能开始',
      unconfirmed: '未能确认',
      finished: '已完成',
      cancelled: '已退出',
      expired: '已过期',
    } satisfies Record<VerificationStatus, string>,
    inProgress: '进行中',
    reasons: {
      requesting: '认证还在准备中，没有进行验证。',
      issued: '验证没有完成。可以重新开始。',
      inProgress: '这次验证还没有完成。',
      failed: '准备认证时出错，没有进行验证。可以重新开始。',
      unconfirmed: '上次认证未能确认，请重新开始。',
      cancelled: '您中途退出了验证，信息没有被核验。',
      expired: '超过 1 小时没有完成，已失效。',
    },
    mode: '认证方式：{mode}',
    name: '姓名：{name}',
    id: '身份证号：{id}',
    view: '查看结果',
    delete: '删除',
    deleteLabel: '删除 {when} 的认证记录',
    deleting: '正在删除…',
    confirmTitle: '删除这条记录？',
    confirmContent: '删除 {when} 的认证记录后无法恢复。',
    confirmOk: '删除',
    cancel: '取消',
    deleteFailed: '删除失败：{message}',
    more: '加载更多',
    loadingMore: '正在加载…',
    end: '没有更多记录了',
  },
  webview: {
    failedTitle: '无法继续认证',
    noFlow: '没有进行中的认证，请返回重新开始。',
    loadFailed: '认证页面打不开。请检查网络后返回重新开始；如果仍然不行，请联系客服。',
    back: '返回重新开始',
  },
  privacy: {
    title: '人脸核身隐私政策',
    sections: [
      {
        heading: '我们为什么处理您的信息',
        body: '为了确认是您本人在办理业务，我们需要核验您的身份。您的信息只用于本次核验，不用于其他目的。',
      },
      {
        heading: '我们收集哪些信息',
        body: '填写身份证信息方式：您的姓名、身份证号和一段朗读数字的人脸视频。拍摄身份证方式：身份证正反面照片（从中识别姓名、身份证号、有效期限、签发机关）和人脸视频。参考照片方式：您上传的照片和人脸视频。',
      },
      {
        heading: '谁处理您的信息',
        body: '人脸识别由北京旷视科技有限公司（FaceID）完成。身份证方式下，FaceID 将视频中的人脸与权威身份数据源中的居民身份证照片比对；参考照片方式只与您上传的照片比对，不核验身份信息。',
      },
      {
        heading: '保存多久',
        body: '认证记录保存 {days} 天后自动删除，姓名和身份证号只以打码形式保存。您的手机上不保留姓名、身份证号或照片。',
      },
      {
        heading: '您的权利',
        body: '是否开始由您决定：不勾选同意就不会收集任何信息。您可以随时在“我的认证记录”中查看和删除自己的记录。对信息处理有疑问、需要更正或投诉，请联系客服。',
      },
    ],
    keepUnknown:
      '认证记录到期后自动删除，姓名和身份证号只以打码形式保存。您的手机上不保留姓名、身份证号或照片。',
    version: '版本 {version}',
  },
};
