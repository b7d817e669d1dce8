/**
 * WeChat's 用户隐私保护指引: which interfaces and components are privacy-scoped, which information type (privacy_key)
 * each belongs to, a scan of the compiled package for them, and what this product declares. WeChat refuses a scoped
 * call whose type the guide lacks (errno 112), and its code review compares the guide with the package.
 * Source: developers.weixin.qq.com/miniprogram/dev/framework/user-privacy/miniprogram-intro.html (开发者处理的信息) and
 * the setprivacysetting API's privacy_key values.
 */

/** One information type of the guide and the code that makes a package need it. */
interface PrivacyType {
  /** WeChat's privacy_key. */
  key: string;
  /** How the guide names it. */
  label: string;
  /** What in compiled JavaScript or WXML calls for it; each pattern's text is the interface's name. */
  uses: RegExp[];
}

const api = (name: string): RegExp => new RegExp(`\\bwx\\.${name}\\b`);
const scope = (name: string): RegExp => new RegExp(`scope\\.${name}\\b`);
const tag = (name: string): RegExp => new RegExp(`<${name}[\\s/>]`);
const openType = (name: string): RegExp => new RegExp(`open-type=["']${name}["']`);

/** The privacy-scoped interfaces of WeChat's table, by information type. */
const PRIVACY_TYPES: readonly PrivacyType[] = [
  {
    key: 'UserInfo',
    label: '用户信息（微信昵称、头像）',
    uses: [openType('chooseAvatar'), /type=["']nickname["']/, api('getUserProfile'), api('getUserInfo')],
  },
  {
    key: 'Location',
    label: '位置信息',
    uses: [
      scope('userLocation'),
      scope('userLocationBackground'),
      scope('userFuzzyLocation'),
      api('getLocation'),
      api('getFuzzyLocation'),
      api('startLocationUpdate'),
      api('startLocationUpdateBackground'),
    ],
  },
  { key: 'ChooseLocation', label: '选择的位置信息', uses: [api('chooseLocation'), api('choosePoi')] },
  { key: 'Address', label: '地址', uses: [api('chooseAddress')] },
  { key: 'Invoice', label: '发票信息', uses: [api('chooseInvoice'), api('chooseInvoiceTitle')] },
  { key: 'RunData', label: '微信运动步数', uses: [scope('werun'), api('getWeRunData')] },
  {
    key: 'PhoneNumber',
    label: '手机号',
    uses: [openType('getPhoneNumber'), openType('getRealtimePhoneNumber')],
  },
  { key: 'LicensePlate', label: '车牌号', uses: [api('chooseLicensePlate')] },
  {
    key: 'Album',
    label: '选中的照片或视频信息',
    uses: [api('chooseImage'), api('chooseMedia'), api('chooseVideo')],
  },
  { key: 'MessageFile', label: '选中的文件', uses: [api('chooseMessageFile')] },
  {
    key: 'Record',
    label: '麦克风',
    uses: [
      scope('record'),
      api('startRecord'),
      api('getRecorderManager'),
      api('joinVoIPChat'),
      tag('live-pusher'),
    ],
  },
  {
    key: 'Camera',
    label: '摄像头',
    uses: [
      scope('camera'),
      api('createCameraContext'),
      api('createVKSession'),
      tag('camera'),
      tag('voip-room'),
    ],
  },
  {
    key: 'BlueTooth',
    label: '蓝牙',
    uses: [scope('bluetooth'), api('openBluetoothAdapter'), api('createBLEPeripheralServer')],
  },
  {
    key: 'AlbumWriteOnly',
    label: '相册（仅写入）权限',
    uses: [scope('writePhotosAlbum'), api('saveImageToPhotosAlbum'), api('saveVideoToPhotosAlbum')],
  },
  { key: 'Contact', label: '通讯录（仅写入）权限', uses: [scope('addPhoneContact'), api('addPhoneContact')] },
  {
    key: 'CalendarWriteOnly',
    label: '日历（仅写入）权限',
    uses: [scope('addPhoneCalendar'), api('addPhoneCalendar'), api('addPhoneRepeatCalendar')],
  },
  { key: 'Clipboard', label: '剪切板', uses: [api('getClipboardData'), api('setClipboardData')] },
];

/** An information type this product declares in its guide, with the purpose WeChat shows as "为了…". */
interface DeclaredItem {
  key: string;
  label: string;
  /** The purpose as the guide's form takes it: no leading 为了 or 用于. */
  purpose: string;
  /** Where the product needs it (for the reviewer and the operator, not shown to the person). */
  neededBy: string;
}

/**
 * What this product declares. Camera and Record: the pages ask for them (wx.authorize) before the reference photo
 * and before Megvii's component, whose video step records the person's face and voice; the ID number is typed by the person, not
 * collected through an interface, so it is one of the guide's own items (EXIDNumber).
 */
export const DECLARED_ITEMS: readonly DeclaredItem[] = [
  {
    key: 'Album',
    label: '选中的照片或视频信息',
    purpose: '上传本人参考照片或身份证照片，完成人脸核身比对',
    neededBy: 'miniprogram/services/photo.ts (wx.chooseMedia), the FaceID component (ID-card photos)',
  },
  {
    key: 'Camera',
    label: '摄像头',
    purpose: '录制本人朗读数字的人脸视频，完成人脸核身',
    neededBy:
      "miniprogram/services/access.ts (wx.authorize before the reference photo and the component), Megvii's FaceID component (video step)",
  },
  {
    key: 'Record',
    label: '麦克风',
    purpose: '录制人脸视频中朗读数字的声音，确认是本人操作',
    neededBy:
      "miniprogram/services/access.ts (wx.authorize before the component), Megvii's FaceID component (video step)",
  },
  {
    key: 'EXIDNumber',
    label: '身份证号码',
    purpose: '与姓名一起向权威数据源核验本人身份',
    neededBy: 'pages/index (name and ID number typed by the person)',
  },
];

/** A privacy type the package calls for, with the interfaces found and where. */
export interface FoundType {
  key: string;
  label: string;
  uses: string[];
  files: string[];
}

/** The privacy types compiled files call for: JavaScript and WXML, as WeChat's review reads the package. */
export function scanPackage(files: ReadonlyMap<string, string>): FoundType[] {
  const found: FoundType[] = [];
  for (const type of PRIVACY_TYPES) {
    const uses = new Set<string>();
    const where = new Set<string>();
    for (const [file, text] of files) {
      if (!/\.(js|wxml)$/.test(file)) continue;
      for (const pattern of type.uses) {
        const match = pattern.exec(text);
        if (match) {
          uses.add(match[0].replace(/[<"'\s/>]+$/, '').replace(/^open-type=["']/, 'open-type='));
          where.add(file);
        }
      }
    }
    if (uses.size)
      found.push({ key: type.key, label: type.label, uses: [...uses].sort(), files: [...where].sort() });
  }
  return found;
}

/** The types the package calls for that the declared list lacks (WeChat refuses those calls with errno 112). */
export function undeclared(
  found: readonly FoundType[],
  declared: readonly DeclaredItem[] = DECLARED_ITEMS,
): FoundType[] {
  const keys = new Set(declared.map((item) => item.key));
  return found.filter((type) => !keys.has(type.key));
}
