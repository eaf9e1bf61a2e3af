/** Chat: conversations, their messages, and answering a question from a space's documents. */
export { Conversations, formatConversationKey } from './conversations.js';
export { askQuestion, type AskDeps, type AskRequest } from './ask.js';
export { chatHandlers, type ChatHandlersDeps } from './handlers.js';
export { answerInstructions, citePassages, extractiveAnswer, streamAnswer, type AnswerDraft, type AnswerWritingEvent } from './answer-writing.js';
