/**
 * Picks the space to work in, or creates a new one; on a team server each space says the caller's role in it. With a
 * team server connected from here, this computer's spaces and the team's sit side by side, each group labelled.
 */
import { useState, type FormEvent } from 'react';
import { createSpace, selectSpace } from '../../state/actions.js';
import { useSpacesStore } from '../../state/spaces-store.js';
import { useTeamLinkStore } from '../../state/team-link-store.js';
import { useTeamStore } from '../../state/team-store.js';

export function SpacePicker() {
  const spaces = useSpacesStore((state) => state.spaces);
  const currentSpaceId = useSpacesStore((state) => state.currentSpaceId);
  const team = useTeamStore((state) => state.team);
  const roles = useTeamStore((state) => state.roles);
  const teamLinked = useTeamLinkStore((state) => state.status === 'connected');
  const teamHost = useTeamLinkStore((state) => state.host);
  const teamSpaces = useTeamLinkStore((state) => state.spaces);
  const teamRoles = useTeamLinkStore((state) => state.roles);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    if (await createSpace(trimmed)) {
      setName('');
      setCreating(false);
    }
  };

  return (
    <div className="space-picker">
      <label htmlFor="space-select">Space</label>
      <select
        id="space-select"
        data-testid="space-select"
        value={currentSpaceId ?? ''}
        disabled={spaces.length === 0}
        onChange={(event) => void selectSpace(event.target.value)}
      >
        {teamLinked ? (
          <>
            <optgroup label="This computer" data-origin="local">
              {spaces.map((space) => (
                <option key={space.id} value={space.id} data-origin="local">
                  {space.name} ({space.documentCount})
                </option>
              ))}
            </optgroup>
            <optgroup label={`Team: ${teamHost}`} data-origin="team">
              {teamSpaces.map((space) => (
                <option key={space.id} value={space.id} data-origin="team" data-role={teamRoles[space.id]}>
                  {space.name} ({space.documentCount}){teamRoles[space.id] ? ` · ${teamRoles[space.id]}` : ''}
                </option>
              ))}
            </optgroup>
          </>
        ) : (
          spaces.map((space) => (
            <option key={space.id} value={space.id} data-role={team ? roles[space.id] : undefined}>
              {space.name} ({space.documentCount}){team && roles[space.id] ? ` · ${roles[space.id]}` : ''}
            </option>
          ))
        )}
      </select>
      {creating ? (
        <form className="space-picker__form" onSubmit={(event) => void submit(event)}>
          <label htmlFor="new-space-name" className="visually-hidden">
            Name of the new space
          </label>
          <input
            id="new-space-name"
            autoFocus
            placeholder="Name of the new space"
            value={name}
            maxLength={200}
            onChange={(event) => setName(event.target.value)}
            onKeyDown={(event) => event.key === 'Escape' && setCreating(false)}
          />
          <button type="submit" className="button" disabled={!name.trim()}>
            Create
          </button>
          <button type="button" className="button button--quiet" onClick={() => setCreating(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button type="button" className="button button--quiet" onClick={() => setCreating(true)}>
          New space
        </button>
      )}
    </div>
  );
}
