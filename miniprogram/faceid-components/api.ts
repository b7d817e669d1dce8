/** The stand-in's HTTP calls: the component protocol's endpoints over wx.request / wx.uploadFile. */

import { API_PREFIX, faceidHost } from './config';

interface Answer {
  /** HTTP status; 0 when the request did not complete. */
  status: number;
  body: Record<string, unknown>;
}

function parse(data: unknown): Record<string, unknown> {
  if (typeof data === 'object' && data !== null && !(data instanceof ArrayBuffer))
    return data as Record<string, unknown>;
  if (typeof data === 'string') {
    try {
      const value: unknown = JSON.parse(data);
      if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  return {};
}

function url(path: string): string {
  return `${faceidHost()}${API_PREFIX}${path}`;
}

/** GET or POST (JSON) one endpoint. */
export function request(
  method: 'GET' | 'POST',
  path: string,
  data: Record<string, unknown>,
): Promise<Answer> {
  return new Promise((resolve) => {
    wx.request({
      url: url(path),
      method,
      data,
      header: method === 'POST' ? { 'content-type': 'application/json' } : {},
      success: (res) => resolve({ status: res.statusCode, body: parse(res.data) }),
      fail: () => resolve({ status: 0, body: {} }),
    });
  });
}

/** Uploads one file with form fields. */
export function upload(
  path: string,
  name: string,
  filePath: string,
  formData: Record<string, string>,
): Promise<Answer> {
  return new Promise((resolve) => {
    wx.uploadFile({
      url: url(path),
      name,
      filePath,
      formData,
      success: (res) => resolve({ status: res.statusCode, body: parse(res.data) }),
      fail: () => resolve({ status: 0, body: {} }),
    });
  });
}

/** What the person reads for a failed HTTP status (protocol: 0 TIME_OUT, 413 TOO_LARGE, 429 LIMIT_EXCEEDED). */
export function statusMessage(status: number): string {
  if (status === 0) return '网络不太好，请检查网络后再试';
  if (status === 413) return '文件太大，请重新拍摄';
  if (status === 429) return '操作太频繁，请稍等片刻再试';
  return '没有处理成功，请再试一次';
}

const JPEG = [
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01,
  0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x10, 0x03, 0x01, 0x11, 0x00, 0x02, 0x11, 0x01,
  0x03, 0x11, 0x01, 0xff, 0xd9,
];
const MP4 = [
  0x00, 0x00, 0x00, 0x18, 0x66, 0x74, 0x79, 0x70, 0x6d, 0x70, 0x34, 0x32, 0x00, 0x00, 0x00, 0x00, 0x6d, 0x70,
  0x34, 0x32, 0x69, 0x73, 0x6f, 0x6d, 0x00, 0x00, 0x00, 0x08, 0x66, 0x72, 0x65, 0x65,
];

/** Writes a small sandbox file (a JPEG or an MP4 header) under USER_DATA_PATH and returns its path. */
export function writeSandboxFile(kind: 'jpg' | 'mp4', label: string): string {
  const filePath = `${wx.env.USER_DATA_PATH}/faceid-sandbox-${label}.${kind}`;
  const bytes = new Uint8Array(kind === 'jpg' ? JPEG : MP4);
  wx.getFileSystemManager().writeFileSync(filePath, bytes.buffer);
  return filePath;
}
