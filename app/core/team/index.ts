/**
 * The team: who is calling and what they may do (callers, server and space roles), the caller of the work in
 * progress, and a team server's accounts, tokens, space grants, OIDC sign-in and audit trail.
 */
export { Caller, localOwner, type CallerInit } from './caller.js';
export { currentCaller, runAsCaller } from './current-caller.js';
export { Accounts, checkName, type Group } from './accounts.js';
export { ApiTokens, looksLikeApiToken, parseLifetime, type TokenInfo } from './tokens.js';
export { SpaceGrants, type Grantee } from './grants.js';
export { AuditLog, type AuditedCall } from './audit.js';
export { Team, type Credential, type JwtVerifier } from './team.js';
export { teamHandlers } from './handlers.js';
export { OidcVerifier, looksLikeJwt, oidcOptionsFromEnv, type OidcIdentity, type OidcOptions } from './oidc.js';
