import { FaceIdError, parseFaceIdErrorBody, toClientError } from '../../server/errors';

describe('FaceID error parsing', () => {
  it.each([
    ['MISSING_ARGUMENTS:return_url', 400, 'MISSING_ARGUMENTS', 'return_url', false],
    ['BAD_ARGUMENTS: return_url', 400, 'BAD_ARGUMENTS', 'return_url', false],
    ['AUTHENTICATION_ERROR', 403, 'AUTHENTICATION_ERROR', undefined, false],
    ['AUTHORIZATION_ERROR: Denied.', 403, 'AUTHORIZATION_ERROR', 'Denied.', false],
    [
      'AUTHORIZATION_ERROR:NO_DATA_SOURCE_PERMISSION',
      403,
      'AUTHORIZATION_ERROR',
      'NO_DATA_SOURCE_PERMISSION',
      false,
    ],
    ['CONCURRENCY_LIMIT_EXCEEDED', 403, 'CONCURRENCY_LIMIT_EXCEEDED', undefined, true],
    ['CONCURRENCY_LIMIT_EXCEEDED', 429, 'CONCURRENCY_LIMIT_EXCEEDED', undefined, true],
    [
      'IMAGE_ERROR_UNSUPPORTED_FORMAT: image_ref2',
      400,
      'IMAGE_ERROR_UNSUPPORTED_FORMAT',
      'image_ref2',
      false,
    ],
    ['NO_FACE_FOUND', 400, 'NO_FACE_FOUND', undefined, false],
    ['NO_FACE_FOUND:image_ref1', 400, 'NO_FACE_FOUND', 'image_ref1', false],
    ['MULTIPLE_FACES', 400, 'MULTIPLE_FACES', undefined, false],
    ['INVALID_IMAGE_SIZE:image_ref1', 400, 'INVALID_IMAGE_SIZE', 'image_ref1', false],
    ['INVALID_IMAGE_SIZEimage_ref2', 400, 'INVALID_IMAGE_SIZE', 'image_ref2', false],
    ['LOW_QUALITY', 400, 'LOW_QUALITY', undefined, false],
    ['INVALID_NAME_FORMAT', 400, 'INVALID_NAME_FORMAT', undefined, false],
    ['INVALID_IDCARD_NUMBER', 400, 'INVALID_IDCARD_NUMBER', undefined, false],
    ['API_NOT_FOUND', 404, 'API_NOT_FOUND', undefined, false],
    ['INTERNAL_ERROR', 500, 'INTERNAL_ERROR', undefined, true],
    ['Request Entity Too Large', 413, 'REQUEST_TOO_LARGE', undefined, false],
  ])('%s (HTTP %i) → %s', (text, status, code, param, retryable) => {
    const err = parseFaceIdErrorBody(status, text)!;
    expect(err).toBeInstanceOf(FaceIdError);
    expect(err.code).toBe(code);
    expect(err.status).toBe(status);
    expect(err.param).toBe(param);
    expect(err.retryable).toBe(retryable);
    expect(err.messageZh).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('reads both `error` and `error_message` fields, and plain text', () => {
    expect(parseFaceIdErrorBody(400, { error: 'MISSING_ARGUMENTS:return_url' })?.param).toBe('return_url');
    expect(parseFaceIdErrorBody(400, { error_message: 'BAD_ARGUMENTS: return_url' })?.code).toBe(
      'BAD_ARGUMENTS',
    );
    expect(parseFaceIdErrorBody(413, 'Request Entity Too Large')?.code).toBe('REQUEST_TOO_LARGE');
    expect(parseFaceIdErrorBody(200, { biz_token: 'x' })).toBeUndefined();
  });

  it('maps unknown failures by status', () => {
    expect(parseFaceIdErrorBody(502, '<html>bad gateway</html>')?.code).toBe('INTERNAL_ERROR');
    expect(parseFaceIdErrorBody(429, '')?.code).toBe('CONCURRENCY_LIMIT_EXCEEDED');
    expect(parseFaceIdErrorBody(418, {})?.code).toBe('UPSTREAM_ERROR');
  });

  it('answers a reason beside the code, with the reason’s console message', () => {
    expect(
      toClientError(new FaceIdError('FORBIDDEN', { param: 'imageRef1', reason: 'PHOTO_NOT_OWN' })),
    ).toEqual({
      code: 'FORBIDDEN',
      reason: 'PHOTO_NOT_OWN',
      message: '只能使用您本人上传的照片',
      retryable: false,
      param: 'imageRef1',
    });
    // Without a reason the code's own message; a message with a value wins over the reason's.
    expect(toClientError(new FaceIdError('FORBIDDEN')).message).toBe('无权查看这次认证记录');
    expect(
      toClientError(new FaceIdError('RATE_LIMITED', { reason: 'TOKEN_LIMIT', messageZh: 'x 分钟' })),
    ).toMatchObject({ reason: 'TOKEN_LIMIT', message: 'x 分钟' });
  });

  it('gives the console a code, a Chinese message and whether to retry, never internals', () => {
    expect(toClientError(new FaceIdError('MISSING_ARGUMENTS', { param: 'idcard_name' }))).toEqual({
      code: 'MISSING_ARGUMENTS',
      message: '缺少姓名，请补充后重试',
      retryable: false,
      param: 'idcard_name',
    });
    expect(toClientError(new Error('db password is hunter2'))).toEqual({
      code: 'INTERNAL',
      message: '系统出错了，请稍后重试',
      retryable: false,
    });
  });
});
