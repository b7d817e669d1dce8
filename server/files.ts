type WxServerSdk = typeof import('wx-server-sdk');

/** The most fileIDs CloudBase deletes in one deleteFile call ("一次最多 50 个"). */
const DELETE_FILE_BATCH = 50;

/** wx-server-sdk's file API, as the functions use it. */
export type FileApi = Pick<WxServerSdk, 'downloadFile' | 'uploadFile' | 'deleteFile'>;
type DeleteFileResult = Exclude<Awaited<ReturnType<WxServerSdk['deleteFile']>>, void>;

/** Deletes files with one deleteFile call per DELETE_FILE_BATCH fileIDs, one call after another. */
export async function deleteInBatches(
  deleteFile: (options: { fileList: string[] }) => Promise<unknown> | void,
  fileList: string[],
): Promise<void> {
  for (let start = 0; start < fileList.length; start += DELETE_FILE_BATCH) {
    await deleteFile({ fileList: fileList.slice(start, start + DELETE_FILE_BATCH) });
  }
}

/** The SDK's file API with deleteFile split into calls CloudBase accepts; its per-file results concatenated. */
export function batchedFiles(sdk: FileApi): FileApi {
  return {
    downloadFile: (options) => sdk.downloadFile(options),
    uploadFile: (options) => sdk.uploadFile(options),
    async deleteFile({ fileList }): Promise<DeleteFileResult> {
      const results: DeleteFileResult['fileList'] = [];
      await deleteInBatches(async (batch) => {
        const answer = await sdk.deleteFile(batch);
        if (answer) results.push(...answer.fileList);
      }, fileList);
      return { fileList: results, errMsg: 'deleteFile:ok' };
    },
  };
}
