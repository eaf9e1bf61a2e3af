/**
 * The Guard: passages that read like instructions are flagged before a model sees them (as quoted data), and
 * every cited claim of an answer or report is checked against its passages after it is written.
 */
export { instructionsIn } from './instructions.js';
export { citedSentences, citationsIn, type CitedSentence } from './claim-split.js';
export { crossEncoderThresholds, overlapScore, overlapThresholds, sigmoid, verifyClaims, verifyStatements, type JudgedPassage, type VerifyDeps } from './verify-claims.js';
export { reportClaimChecker } from './report-checks.js';
export { flaggedInToolOutput, type FlaggedPassage } from './tool-output-flags.js';
