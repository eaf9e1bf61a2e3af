/** The top bar: the product name, the page tabs, the space picker (and, on a team server, sharing and who is signed in; elsewhere, connecting to one) and how answers are made. */
import { SessionBadge } from '../team/SessionBadge.js';
import { ShareButton } from '../team/ShareButton.js';
import { TeamConnect } from '../team/TeamConnect.js';
import { AnswerModeNotice } from './AnswerModeNotice.js';
import { SpacePicker } from './SpacePicker.js';
import { ViewTabs } from './ViewTabs.js';

export function Header() {
  return (
    <header className="app-header">
      <h1 className="brand">Hearth</h1>
      <ViewTabs />
      <SpacePicker />
      <ShareButton />
      <TeamConnect />
      <AnswerModeNotice />
      <SessionBadge />
    </header>
  );
}
