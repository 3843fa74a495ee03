import {
  TRIAGE_URGENCIES,
  raiseTriage,
  triageFloor,
  type RaisedTriage,
  type TriageEvidence,
  type TriageFloor,
  type TriageUrgency,
} from '@carerelay/clinical';
import type { DeidentifiedContext } from '@carerelay/events';
import { phq9Item9Scores } from './offline/facts.js';

/**
 * The rules floor applied to a message_triage draft (templates/message_triage output): one
 * function for the model's draft (llm-worker) and the offline template's, so both triage a
 * message the same way whatever drafted it. The policy itself is `triageFloor` in clinical.
 */

export interface TriageFloorDecision extends RaisedTriage {
  readonly floor: TriageFloor;
}

export interface FlooredTriage {
  readonly draft: Record<string, unknown>;
  readonly decision: TriageFloorDecision;
}

/** Placeholder staff replace with the practice's crisis instructions (the template's rule). */
const CRISIS_RESOURCES = '[CRISIS_RESOURCES]';
/** Evidence quoted in a rationale; the rest is counted. */
const EVIDENCE_SHOWN = 5;

/** The floor of a triage: every client message in the context (newest first) and PHQ-9 item 9. */
export function messageTriageFloor(context: DeidentifiedContext): TriageFloor {
  return triageFloor({
    messages: context.messages.map((m) => m.text),
    phq9Item9Scores: phq9Item9Scores(context),
  });
}

const isUrgency = (value: unknown): value is TriageUrgency =>
  typeof value === 'string' && (TRIAGE_URGENCIES as readonly string[]).includes(value);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * Lifts a message_triage draft to the rules floor. When the rules raise it, the draft says so
 * first in its rationale (from what, to what, why, and the evidence spans), and a same-day or
 * emergency reply gets the crisis-resources placeholder. Nothing else of the draft changes.
 */
export function applyTriageFloor(
  draft: Readonly<Record<string, unknown>>,
  context: DeidentifiedContext,
): FlooredTriage {
  const floor = messageTriageFloor(context);
  const from = {
    category: text(draft.category) || 'other',
    // Schema-checked before it gets here; anything else is read as the lowest urgency.
    urgency: isUrgency(draft.urgency) ? draft.urgency : 'routine',
  };
  const decision: TriageFloorDecision = { ...raiseTriage(from, floor.minimum), floor };
  if (!decision.raised) return { draft: { ...draft }, decision };
  const reply = text(draft.suggestedReply);
  const { category, urgency } = decision.triage;
  return {
    draft: {
      ...draft,
      category,
      urgency,
      rationale: joinLines(floorRationale(decision, context), text(draft.rationale)),
      suggestedReply:
        urgency !== 'routine' && !reply.includes(CRISIS_RESOURCES)
          ? joinLines(reply, CRISIS_RESOURCES)
          : reply,
    },
    decision,
  };
}

const joinLines = (...lines: string[]): string => lines.filter((l) => l !== '').join('\n');

/**
 * One rationale line: what the rules decided and on what evidence. Offsets are UTF-16 code
 * units into the de-identified message, half-open, as `carerelay risk scan` reports them.
 */
export function floorRationale(decision: TriageFloorDecision, context: DeidentifiedContext): string {
  const { floor, from, triage } = decision;
  const why = floor.reasons.map((r) =>
    r === 'PHQ9_ITEM9_POSITIVE' ? 'PHQ-9 item 9 above 0' : `risk language ${r.slice(5)}`,
  );
  const head = decision.raised
    ? `Raised by CareRelay risk rules from ${from.urgency} (${from.category}) to ${triage.urgency} (${triage.category})`
    : 'CareRelay risk rules';
  const shown = floor.evidence.slice(0, EVIDENCE_SHOWN).map((e) => evidenceText(e, context));
  const more = floor.evidence.length - shown.length;
  const evidence =
    shown.length > 0 ? ` Evidence: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}.` : '';
  return `${head}: ${why.join(', ')}.${evidence}`;
}

function evidenceText(e: TriageEvidence, context: DeidentifiedContext): string {
  const phrase = context.messages[e.message]?.text.slice(e.start, e.end) ?? '';
  const which = `message ${e.message + 1}${e.message === 0 ? ' (newest)' : ''}`;
  return `${which} [${e.start},${e.end}) ${e.kind.replace(/_/g, ' ')} "${phrase}"`;
}
