export { NOTE_SECTIONS, splitSections } from './note-formats.js';
export type { NoteFormat } from './note-formats.js';
export { compareDraftToFinal, editDistance, normalizedEditDistance } from './review.js';
export type { ReviewMetrics } from './review.js';
