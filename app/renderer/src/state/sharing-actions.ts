/** The Share dialog's calls: who may open a space (spaces.members), and sharing it or taking a share away. */
import type { ParamsIn } from '../../../../schemas/index.js';
import { connectionFor, describe } from './core-connection.js';
import { useSharingStore, type SpaceMember } from './sharing-store.js';
import { refreshTeamView } from './team-actions.js';

export type Grantee = ParamsIn<'spaces.share'>['with'];
export type ShareRole = ParamsIn<'spaces.share'>['role'];

/** Opens the dialog for a space and reads who may open it. */
export async function openSharing(spaceId: string): Promise<void> {
  useSharingStore.setState({ spaceId, members: [], loading: true, busy: false, error: null });
  try {
    const members = await connectionFor(spaceId).client.call('spaces.members', { spaceId });
    if (useSharingStore.getState().spaceId !== spaceId) return;
    useSharingStore.setState({ members, loading: false });
  } catch (error) {
    if (useSharingStore.getState().spaceId !== spaceId) return;
    useSharingStore.setState({ loading: false, error: describe(error).message });
  }
}

export function closeSharing(): void {
  useSharingStore.setState({ spaceId: null, members: [], loading: false, busy: false, error: null });
}

/** Gives a user or group a role in the space; resolves whether the server agreed (its refusal is shown in the dialog). */
export function shareSpace(spaceId: string, grantee: Grantee, role: ShareRole): Promise<boolean> {
  return changeMembers(spaceId, () => connectionFor(spaceId).client.call('spaces.share', { spaceId, with: grantee, role }));
}

export function unshareSpace(spaceId: string, grantee: Grantee): Promise<boolean> {
  return changeMembers(spaceId, () => connectionFor(spaceId).client.call('spaces.unshare', { spaceId, with: grantee }));
}

async function changeMembers(spaceId: string, change: () => Promise<SpaceMember[]>): Promise<boolean> {
  useSharingStore.setState({ busy: true, error: null });
  try {
    const members = await change();
    if (useSharingStore.getState().spaceId === spaceId) useSharingStore.setState({ members, busy: false });
    // The caller's own role may have changed with it (an owner handing the space over).
    await refreshTeamView();
    return true;
  } catch (error) {
    if (useSharingStore.getState().spaceId === spaceId) useSharingStore.setState({ busy: false, error: describe(error).message });
    return false;
  }
}
