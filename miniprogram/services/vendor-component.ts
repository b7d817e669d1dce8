/** Facts of Megvii's mini-program component (faceid-components) that the pages must act on. */

/**
 * Storage keys the component writes the person's ID-card data under and removes only when it exits normally.
 * The app removes them at launch and when the verify page unloads, so a killed app leaves none of it behind.
 */
export const FACEID_COMPONENT_STORAGE_KEYS = [
  'result',
  'name',
  'idcard_number',
  'valid_date',
  'issued_by',
  'image_ref_ocridcardback',
  'image_ref_ocridcardfront',
] as const;
