import type { ChangeType, UseCase } from '@carerelay/events';

export type NoteFormat = 'soap_note' | 'dap_note' | 'birp_note';

/**
 * Which AI assistance a change in the EHR asks for (issue #5 task planner).
 * Changes that ask for none return null and are only acknowledged.
 */
export function useCaseFor(change: ChangeType, noteFormat: NoteFormat): UseCase | null {
  switch (change) {
    case 'SESSION_ENDED':
      return noteFormat;
    case 'INTAKE_SUBMITTED':
      return 'intake_extraction';
    case 'MESSAGE_RECEIVED':
      return 'message_triage';
    case 'NOTE_SIGNED':
      return 'coding';
    case 'PLAN_REVIEW_DUE':
      return 'treatment_plan';
    // An alert acknowledgement (TASK_COMPLETED) is audited by capture-acknowledgement, never drafted from.
    case 'ASSESSMENT_COMPLETED':
    case 'TASK_COMPLETED':
    case 'OTHER':
      return null;
  }
}
