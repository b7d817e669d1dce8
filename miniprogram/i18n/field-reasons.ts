/** The name and ID-number checks' reason codes, worded by a locale's own sentences for those problems. */

import { ID_REASONS, NAME_REASONS, type IdNumberProblem, type NameProblem } from '../shared/idcard';

type FieldReasonWords = { [P in NameProblem as (typeof NAME_REASONS)[P]]: string } & {
  [P in IdNumberProblem as (typeof ID_REASONS)[P]]: string;
};

/** Each name and ID-number reason code with the locale's sentence for its problem. */
export function fieldReasonWords(
  names: Readonly<Record<NameProblem, string>>,
  ids: Readonly<Record<IdNumberProblem, string>>,
): FieldReasonWords {
  const words: Record<string, string> = {};
  for (const [problem, reason] of Object.entries(NAME_REASONS)) words[reason] = names[problem as NameProblem];
  for (const [problem, reason] of Object.entries(ID_REASONS)) words[reason] = ids[problem as IdNumberProblem];
  return words as FieldReasonWords;
}
