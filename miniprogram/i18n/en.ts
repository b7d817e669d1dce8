/** Every word the mini-program shows, in English. Same shape as the Chinese table. */

import type { zh } from './zh';
import { fieldReasonWords } from './field-reasons';

const NAME_PROBLEMS: typeof zh.nameProblems = {
  empty: 'Enter your name',
  encoding: 'Your name contains characters that cannot be read. Please type it again.',
  characters: 'Use only the Chinese characters on your ID card, with "·" between parts of a minority name',
  dot: 'The "·" can only stand between two characters',
  length: 'The name can have at most 32 characters',
};

const ID_PROBLEMS: typeof zh.idProblems = {
  empty: 'Enter your ID number',
  length: 'The ID number has 18 characters',
  characters: 'The ID number has only digits; the last one may be X',
  region: 'The first two digits (region) are not valid. Please check',
  birthdate: 'The date of birth in the ID number is not valid. Please check',
  checksum: 'The ID number is not right. Please check each digit',
};

export const en: typeof zh = {
  nav: {
    entry: 'Identity check',
    verify: 'Face check',
    result: 'Result',
    records: 'My checks',
    privacy: 'Privacy policy',
  },
  support: {
    contact: 'Contact support',
    call: 'Call support {phone}',
    reference: 'Support reference: {ref}',
    previewContact: 'The WeChat support chat cannot open in the preview',
  },
  consent: {
    title: 'Before you start',
    purpose: 'Purpose: to confirm it is really you, for this check only.',
    collectTitle: 'Collected and compared:',
    collect: {
      idcard:
        'ID card details: name, ID number and a video of your face, compared with the ID photo of the authoritative identity source;',
      ocr: 'ID card photo: both sides of your card and the video, compared the same way;',
      reference:
        'Reference photo: your photo and the video, compared with that photo only; identity not checked.',
      liveness:
        'Liveness only: a video of your face, to confirm a real person is there; compared with no photo, identity not checked.',
    },
    operator: 'Operator ("we"): {name}, contact: {contact}.',
    processor: {
      megvii: 'Processor: Megvii (FaceID).',
      wechat: 'Processor: Tencent (WeChat face verification).',
    },
    keep: 'Kept: deleted after {days} days, name and ID number masked; nothing stays on your phone.',
    keepImages:
      'Kept: record and check photos deleted after {days} days, name and ID number masked; nothing stays on your phone.',
    keepUnknown: 'Kept: deleted when its time is up, name and ID number masked; nothing stays on your phone.',
    rights:
      'Your rights: nothing starts unless you agree; delete records in "My checks" any time; ask support.',
    policy: 'Full privacy policy',
    version: 'Version {version}',
    agree: 'I have read and agree',
  },
  entry: {
    modeTitle: 'How to check',
    consentFirst: 'Please read and tick your agreement above first',
    modes: {
      idcard: { title: 'Enter ID card details', desc: 'Type your name and ID number' },
      ocr: { title: 'Photograph your ID card', desc: 'Take photos of both sides during the check' },
      reference: {
        title: 'Use a reference photo',
        desc: 'Upload a clear photo of your face to compare with',
      },
      liveness: {
        title: 'Liveness only',
        desc: 'Confirms a real person is there; identity not checked',
      },
    },
    modesLoading: 'Reading the available ways to check…',
    modesUnavailable: 'The available ways to check cannot be read now. Check your network and try again.',
    modesRetry: 'Try again',
    nameLabel: 'Name',
    namePlaceholder: 'As on your ID card',
    idLabel: 'ID number',
    idPlaceholder: '18-character ID number',
    ocrNote:
      'During the check you will photograph the portrait side and the emblem side. Have your ID card ready.',
    photoNote: 'Use a recent, well-lit photo of your face with nobody else in it.',
    livenessNote:
      'When the check starts, face the screen and follow the prompts. This confirms a real person is there; it does not check your identity.',
    pickPhoto: 'Take or choose a photo',
    repickPhoto: 'Choose another photo',
    photoBusy: 'Preparing the photo…',
    photoAlt: 'The chosen reference photo',
    photoTooLarge: 'The photo is still over 1 MB after compression. Please choose another.',
    photoUnreadable: 'This photo cannot be used. Please choose another.',
    photoNoAccess: 'The camera or album cannot be opened. Allow access in Settings and try again.',
    photoUploadFailed: 'The photo could not be uploaded. Check your connection and try again.',
    photoDeleted:
      'To protect your privacy, the last photo was deleted after the check. Please choose a photo again.',
    start: 'Start face check',
    starting: 'Preparing…',
    startingNote: 'Preparing your check, please wait',
    blocked: {
      consent: 'Tick your agreement above first',
      name: 'Enter your name',
      nameInvalid: 'Correct your name as shown',
      id: 'Enter your ID number',
      idInvalid: 'Correct your ID number as shown',
      photo: 'Choose a photo of yourself first',
      busy: 'Preparing the photo, please wait',
      modes: 'Reading the available ways to check, please wait',
    },
    rateLimited: 'Too many attempts. Try again after {time}.',
    rateLimitedSoon: 'Too many attempts. Please try again later.',
    sdkOnly: 'This check needs the app and cannot be done in the mini-program. Please contact support.',
    records: 'My checks',
    recordsHint: 'See or delete your identity checks',
  },
  nameProblems: NAME_PROBLEMS,
  idProblems: ID_PROBLEMS,
  errors: {
    MISSING_ARGUMENTS: 'Something is missing. Please complete it and try again.',
    BAD_ARGUMENTS: 'Something was not in the right form. Please check and try again.',
    AUTHENTICATION_ERROR: 'The check is unavailable right now. Please contact support.',
    AUTHORIZATION_ERROR: 'The check is unavailable right now. Please contact support.',
    CONCURRENCY_LIMIT_EXCEEDED: 'Many people are checking right now. Please try again shortly.',
    IMAGE_ERROR_UNSUPPORTED_FORMAT: 'The photo cannot be read. Please use a JPG or PNG photo.',
    NO_FACE_FOUND: 'No face was found in the photo. Please use a clear photo of your face.',
    MULTIPLE_FACES: 'The photo shows more than one face. Please use a photo of only you.',
    INVALID_IMAGE_SIZE: 'The photo is too large. Please use another photo.',
    LOW_QUALITY: 'The photo is not clear enough. Please use a sharper photo of your face.',
    INVALID_NAME_FORMAT:
      'Use only the Chinese characters on your ID card, with "·" between parts of a minority name.',
    INVALID_IDCARD_NUMBER: 'The ID number is not right. Please check it.',
    API_NOT_FOUND: 'The check is unavailable right now. Please contact support.',
    INTERNAL_ERROR: 'The check service had a problem. Please try again shortly.',
    REQUEST_TOO_LARGE: 'The file is too large. Please take it again.',
    UPSTREAM_TIMEOUT: 'The check service is slow to answer. Please try again shortly.',
    NETWORK_ERROR: 'No connection. Check your network and try again.',
    BAD_UPSTREAM_RESPONSE: 'The check service had a problem. Please try again shortly.',
    UPSTREAM_ERROR: 'The check service had a problem. Please try again shortly.',
    SERVICE_BUSY: 'The check service is busy. Please try again shortly.',
    CONFIG_MISSING: 'The check is unavailable right now. Please contact support.',
    CONFIG_INVALID: 'The check is unavailable right now. Please contact support.',
    INVALID_EVENT: 'Something was not right. Please check and try again.',
    INVALID_IMAGE: 'The photo cannot be used. Please use a JPG or PNG photo.',
    PHOTO_EXPIRED: 'To protect your privacy, the last photo has been deleted. Please choose a photo again.',
    NOT_FOUND: 'This check was not found.',
    FORBIDDEN: 'This check belongs to someone else.',
    CONSENT_REQUIRED: 'What you agree to has changed. Please read it and agree again.',
    RATE_LIMITED: 'Too many attempts. Please try again later.',
    VERIFICATION_IN_PROGRESS: 'This check is still being set up. Please delete it a little later.',
    VERIFICATION_UNCONFIRMED: 'The last check could not be confirmed. Please start again.',
    INVALID_EXTERNAL_REF:
      'The reference the business gave is not valid. Please go back and open the check again.',
    UNAUTHORIZED: 'The query key is missing or wrong.',
    AMBIGUOUS: 'Several verifications use this reference.',
    INTERNAL: 'Something went wrong. Please try again shortly.',
  },
  reasons: {
    ...fieldReasonWords(NAME_PROBLEMS, ID_PROBLEMS),
    PHOTO_NOT_OWN: 'You can only use a photo you uploaded yourself. Please choose a photo again.',
    PHOTO_UNREADABLE: 'The photo could not be read. Please choose a photo again.',
    PHOTO_LIMIT: 'You have uploaded as many photos as allowed today. Please try again tomorrow.',
    OUTSIDE_MINIPROGRAM: 'Please open this in the mini program.',
    OTHER_CALLER: 'Please use this mini program.',
    WECHAT_SELF_ONLY: 'WeChat face verification can only be started by you, in the mini program.',
    BIZ_NO_FORMAT: 'The reference the business gave is not valid. Please go back and open the check again.',
    BIZ_NO_USED: 'This check was already started. Please start again.',
    TOKEN_BEING_ISSUED: 'Preparing your check, please wait.',
    TOKEN_LIMIT: 'Too many attempts. Please try again later.',
    RESULT_CALLS_USED: 'Your result is being confirmed. Please look in "My checks" a little later.',
    RESULT_INCOMPLETE: 'Your result is not complete yet. Please look again a little later.',
    RESULT_FROM_SDK:
      'The result of this kind of check cannot be shown in the mini program. Please contact support.',
    QUERY_LIMIT: 'Too many queries. Please try again later.',
  },
  verify: {
    refreshingTitle: 'The check expired. Starting again…',
    refreshingDetail: 'You will be back in a moment and asked to agree once more.',
    restarted: 'Started again. Please agree once more.',
    failedTitle: 'The check cannot start right now',
    tooMany:
      'The check failed to start several times. Go back and start again; if it still fails, contact support.',
    noFlow: 'There is no check in progress. Please go back and start again.',
    changed: 'The check service has changed. Please go back and start again.',
    retry: 'Try again',
    restart: 'Go back and start again',
    finishing: 'Done. Getting your result…',
    leaveConfirm:
      'If you go back now, this check is kept as "Not finished" and you can continue it from "My checks" while it is valid. Go back?',
    resumeEnded: 'This check can no longer be continued. Please go back and start again.',
  },
  result: {
    loading: 'Getting your result…',
    errorTitle: 'The result is not available right now',
    notFoundTitle: 'This check can no longer be viewed',
    notFound: 'It may have been deleted or kept past its time. To verify, start again.',
    noToken: 'This check was not found. Look for it in "My checks".',
    reload: 'Try again',
    refresh: 'Refresh',
    identityTitle: 'Identity checked',
    nameLabel: 'Name: {name}',
    idLabel: 'ID number: {id}',
    retryAt: 'Try again after {time}',
    newVerification: 'Start a new check',
    serviceFault: {
      title: 'The check service had a problem',
      detail: 'This is not your fault: the check service had a problem. Please try again shortly.',
    },
    actions: {
      retry: 'Try again',
      retake: 'Take the photos again',
      edit: 'Edit details',
      changePhoto: 'Use another photo',
      newPhoto: 'Choose a photo and try again',
      restart: 'Start again',
      done: 'Done',
      home: 'Back to start',
      records: 'My checks',
      backToRecords: 'Back to my checks',
    },
    outcomes: {
      passed: {
        title: 'Check passed',
        detail: 'It is you, and your identity details match.',
        reference: 'It is you: your face matches the photo you uploaded.',
      },
      not_same_person: {
        title: 'Face match failed',
        detail:
          'Your face does not match the photo on record for this ID card. The card holder should try again, facing the camera in good light.',
        reference:
          'Your face does not match the uploaded photo. Please try again with a recent, clear photo of yourself.',
      },
      identity_mismatch: {
        title: 'Identity details do not match',
        detail: 'The name and ID number could not be confirmed. Please check and correct them.',
        ocr: 'The details on the ID card could not be confirmed. Please photograph your own ID card again.',
      },
      idcard_error: {
        title: 'The ID card photo is not clear',
        detail: 'Lay the card flat in good light with all four corners in view, then take the photo again.',
        noPhoto: {
          title: 'The ID photo cannot be compared',
          detail:
            'The ID photo on record cannot be used for the comparison right now. This is not your fault. Start again with "Photograph your ID card", or contact support.',
        },
      },
      fake_idcard: {
        title: 'The card was not accepted',
        detail:
          'The card did not pass the authenticity check. Photograph your original ID card, not a copy or a screen.',
        noPhoto: {
          title: 'The card was not accepted',
          detail:
            'The card of this ID number did not pass the check. Check the number and start again, or contact support.',
        },
      },
      liveness_attack: {
        title: 'We could not confirm it was you',
        detail:
          'We could not confirm that you were in front of the camera. Face the front camera yourself, in good light, and try again.',
      },
      liveness_failed: {
        title: 'The video check did not pass',
        detail:
          'Find a quiet, well-lit place, face the screen and read the digits aloud clearly, then try again.',
      },
      account_error: {
        title: 'Service unavailable',
        detail: 'The check service is unavailable right now. This is not your fault. Please contact support.',
      },
      cancelled: {
        title: 'You left the check',
        detail: 'The check did not finish and nothing was verified. You can start again whenever you like.',
      },
      not_started: {
        title: 'The check did not start',
        detail: 'You have not completed the face check yet. You can start again.',
      },
      expired: {
        title: 'The check expired',
        detail: 'The check was not finished in time and has expired. Please start again.',
      },
    },
    hints: {
      NO_ID_CARD_NUMBER: 'This ID number was not found. Please check and correct it.',
      ID_NUMBER_NAME_NOT_MATCH: 'The name does not match the ID number. Please check and correct them.',
      IDCARD_PHOTO_FRONTSIDE:
        'The portrait side was not clear. Lay the card flat in good light, avoiding glare, and try again.',
      IDCARD_BACKSIDE_BLURRED:
        'The emblem side was not clear. Lay the card flat in good light, avoiding glare, and try again.',
      NO_FACE_FOUND_IDCARD:
        'No portrait was found on the card. Photograph the portrait side with all corners in view.',
      IDCARD_PHOTO_NOTFRONTSIDE:
        'That was not the portrait side. Turn to the side with your photo and try again.',
      IDCARD_PHOTO_NOTBACKSIDE:
        'That was not the emblem side. Turn to the side with the national emblem and try again.',
      CHANGE_FACE_ATTACK: 'Someone else appeared in the video. Please complete the check on your own.',
      NO_FACE_FOUND:
        'Your face was not seen in the video. In good light, keep your whole face in the middle.',
      FACE_QUALITY_TOO_LOW: 'The video was not clear. Move to good light, wipe the camera and try again.',
      INVALID_VIDEO_DURATION: 'The recording was too short or too long. Read all the digits, then stop.',
      VIDEO_TOO_LARGE: 'The video was too large. Stop recording as soon as you have read the digits.',
      SR_ERROR:
        'The digits could not be heard. In a quiet place, read the digits on screen aloud and clearly.',
      NOT_SYNCHRONIZED: 'Your lips could not be seen while reading. Face the camera with your mouth in view.',
      LIP_VOICE_NOT_SYNC: 'The voice did not match the lips. Read the digits yourself, facing the camera.',
      NO_AUDIO: 'The video had no sound. Allow WeChat to use the microphone and try again.',
      VIDEO_FORMAT_UNSUPPORTED:
        'Your WeChat cannot record the video needed. Please update WeChat and try again.',
      VIDEO_MANY_TIMES: 'All recording attempts are used. Start again and read the digits as shown.',
      VIDEO_OK: 'The check did not finish. Please try again.',
      CAMERA_DENIED: 'WeChat may not use the camera. Allow it in Settings and try again.',
      MICROPHONE_DENIED: 'WeChat may not use the microphone. Allow it in Settings and try again.',
      CAMERA_MICROPHONE_DENIED:
        'WeChat may not use the camera and microphone. Allow them in Settings and try again.',
      DEVICE_UNSUPPORTED:
        'This phone cannot use WeChat face verification yet. Update WeChat, use another phone, or choose another way.',
      WECHAT_NETWORK_ERROR:
        'The network was unstable and the check did not finish. Try again with a better connection.',
      FACE_DATA_INVALID:
        'No usable picture of your face was taken. In good light, face the phone and try again.',
      VERIFY_TIMEOUT: 'The check took too long. Follow the prompts on screen and try again.',
    },
  },
  records: {
    intro: 'Only your own checks are shown; names and ID numbers are partly hidden.',
    introDays:
      'Only your own checks are shown; names and ID numbers are partly hidden. Records are kept {days} days.',
    loading: 'Loading your checks…',
    errorTitle: 'Your checks cannot be loaded right now',
    reload: 'Try again',
    emptyTitle: 'No checks yet',
    emptyDetail: 'Your identity checks will appear here.',
    start: 'Start a check',
    modes: {
      idcard: 'ID card details',
      ocr: 'ID card photo',
      reference: 'Reference photo',
      liveness: 'Liveness only',
    },
    status: {
      requesting: 'Preparing',
      issued: 'Not finished',
      failed: 'Did not start',
      unconfirmed: 'Not confirmed',
      finished: 'Finished',
      cancelled: 'Left',
      expired: 'Expired',
    },
    inProgress: 'In progress',
    reasons: {
      requesting: 'The check was still being prepared; nothing was verified.',
      issued: 'You left the check. You can continue it until {time}.',
      inProgress: 'This check is not finished yet.',
      failed: 'Something went wrong while preparing; nothing was verified. You can start again.',
      unconfirmed: 'The last check could not be confirmed. Please start again.',
      cancelled: 'You left the check; nothing was verified.',
      expired: 'Not finished in time; it expired.',
      expiredAt: 'Not finished by {time}; it expired.',
    },
    mode: 'Method: {mode}',
    name: 'Name: {name}',
    id: 'ID number: {id}',
    view: 'View result',
    resume: 'Continue',
    resumeLabel: 'Continue the check of {when}',
    restart: 'Start again',
    restartLabel: 'Start a new check in place of the one of {when}',
    delete: 'Delete',
    deleteLabel: 'Delete the check of {when}',
    deleting: 'Deleting…',
    confirmTitle: 'Delete this record?',
    confirmContent: 'The check of {when} will be deleted for good.',
    confirmOk: 'Delete',
    cancel: 'Cancel',
    deleteFailed: 'Could not delete: {message}',
    more: 'Load more',
    loadingMore: 'Loading…',
    end: 'No more records',
  },
  wechatVerify: {
    checking: 'Opening WeChat face verification…',
    verifying: "Follow WeChat's prompts to finish the face check",
    reading: 'Done. Getting your result…',
    deviceTitle: 'This phone cannot use WeChat face verification',
    deviceDetail:
      'This phone cannot use WeChat face verification for now. Use another phone, or choose another way.',
    permissionTitle: 'The camera and microphone are needed',
    permissionDetail:
      'The face check films your face. Tap the button below and turn on Camera and Microphone in Settings; the check starts again when you come back.',
    openSetting: 'Allow in Settings',
    stillDenied: 'The camera and microphone are still off. Turn them on in Settings and try again.',
    failedTitle: 'The check cannot finish right now',
    noFlow: 'There is no check in progress. Please go back and start again.',
    retry: 'Try again',
    back: 'Back to start',
  },
  webview: {
    failedTitle: 'The check cannot continue',
    noFlow: 'There is no check in progress. Please go back and start again.',
    loadFailed:
      'The check page did not open. Check your network and start again; if it still fails, contact support.',
    back: 'Go back and start again',
  },
  privacy: {
    title: 'Face check privacy policy',
    sections: [
      {
        heading: 'Why we process your information',
        body: 'To confirm that it is really you, we check your identity. Your information is used for this check only.',
      },
      {
        heading: 'What we collect',
        body: 'ID card details: your name, ID number and a short video of your face. ID card photo: photos of both sides of your ID card (name, ID number, validity and issuing authority are read from them) and the video. Reference photo: the photo you upload and the video.',
      },
      {
        heading: 'Who processes it',
        body: '{processor}',
      },
      {
        heading: 'How long it is kept',
        body: 'Records are deleted automatically after {days} days; names and ID numbers are stored masked. Nothing about you stays on your phone.',
      },
      {
        heading: 'Your rights',
        body: 'You decide whether to start: nothing is collected unless you agree. You can see and delete your own records in "My checks" at any time. For questions, corrections or complaints, contact support.',
      },
    ],
    keepUnknown:
      'Records are deleted automatically when their time is up; names and ID numbers are stored masked. Nothing about you stays on your phone.',
    processors: {
      megvii:
        'Face recognition is done by Beijing Megvii Technology Co., Ltd. (FaceID). With an ID card, FaceID compares your face with the resident ID photo held by the authoritative identity source; with a reference photo, only with that photo, and your identity is not checked.',
      wechat:
        "Face recognition is done by Tencent's WeChat face verification: WeChat compares your face with the resident ID photo held by the authoritative identity source, and we receive only the result.",
      unknown:
        'Face recognition is done by the verification provider, which compares your face with the ID photo of the authoritative identity source or with the photo you upload.',
    },
    operator: {
      heading: 'Who we are',
      body: 'This service is provided by {name} ("we" in this policy). For questions about your information, corrections, deletion or complaints, contact {contact}.',
      unknown:
        'The operator’s details cannot be loaded right now. Open this page again later, or contact support.',
    },
    version: 'Version {version}',
  },
  access: {
    camera: {
      title: 'Camera needed',
      detail:
        'The face check films your face and ID card. Turn on "Camera" in Settings; you will carry on from here.',
      action: 'Open Settings',
    },
    record: {
      title: 'Microphone needed',
      detail:
        'The face check records your voice reading digits. Turn on "Microphone" in Settings; you will carry on from here.',
      action: 'Open Settings',
    },
    unagreed: {
      title: 'Please agree to the privacy guide',
      detail:
        'The camera, microphone and photos can be used for the face check only once you agree; then you carry on.',
      action: 'Agree and continue',
    },
    undeclared: {
      title: 'The camera cannot be used now',
      detail: 'This is a setup problem of this service, not something you did. Please contact support.',
      action: 'Contact support',
    },
    back: 'Back',
    guide: 'Read the {guide}',
    guideName: 'privacy guide',
    popup: {
      title: 'Please agree to the privacy guide first',
      detail:
        'The face check uses the camera, the microphone and the photo you choose. Agree to carry on; if you do not, nothing is used.',
      agree: 'Agree and continue',
      disagree: 'Do not agree',
    },
    upgrade: {
      title: 'Please update WeChat',
      detail:
        'This version of WeChat is too old for the face check. Update WeChat in your app store and open this again, or choose another way.',
    },
    agreeAll: 'I agree to the above and the {guide}',
  },
};
