import type { UseCase } from '@carerelay/events';
import { isModelDrafted, recordTextRanges, templateFor } from '@carerelay/llm';
import {
  issuedTokensOf,
  knownFingerprintValues,
  scanOutbound,
  scanPrompt,
  type DeidentifiedTask,
  type LeakFinding,
  type LeakScan,
} from '@carerelay/phi';

/**
 * The deidentifier's own leak scan (the llm-worker runs the final one): the published context
 * as JSON (every field goes onto the topic, rendered or not) and, for a drafting use case, the
 * prompt rendered from it as the model would receive it. Only the tokens this de-identification
 * issued are masked; the known identifiers are searched as detected spans and as the same
 * fingerprint forms the llm-worker compares (joined over dots and hyphens, split, digits).
 */
export function scanDeidentified(useCase: UseCase, deid: DeidentifiedTask): LeakScan {
  const tokens = issuedTokensOf(deid);
  const fingerprints = { set: new Set(knownFingerprintValues(deid.known)), hash: (w: string) => w };
  const findings: LeakFinding[] = [
    ...scanOutbound(JSON.stringify(deid.context), { known: deid.known, fingerprints, tokens }).findings,
  ];
  // A rules use case (the catalogue's producer) never reaches a model: nothing is rendered for it.
  if (isModelDrafted(useCase)) {
    const messages = templateFor(useCase).render(deid.context);
    findings.push(
      ...scanPrompt(messages, { known: deid.known, fingerprints, tokens, recordText: recordTextRanges })
        .findings,
    );
  }
  return { blocked: findings.length > 0, findings };
}
