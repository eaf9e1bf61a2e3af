/** The team: who is calling and what they may do (callers, server and space roles). Accounts and tokens come here later. */
export { Caller, localOwner, type CallerInit } from './caller.js';
