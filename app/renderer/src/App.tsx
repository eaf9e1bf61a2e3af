/**
 * The workstation's window: the header and its notices over one of three pages — the library, the chat and (when a source is
 * open) the citation panel; the Reports page (with the same panel); or the Models page. All stay mounted so switching keeps
 * what is typed and scrolled; the one panel is drawn only on the page on screen.
 */
import { ChatColumn } from './components/chat/ChatColumn.js';
import { CitationPanel } from './components/citation/CitationPanel.js';
import { ConnectionBanner } from './components/header/ConnectionBanner.js';
import { Header } from './components/header/Header.js';
import { PreparationBanner } from './components/header/PreparationBanner.js';
import { ProblemBanner } from './components/header/ProblemBanner.js';
import { TeamLinkBanner } from './components/header/TeamLinkBanner.js';
import { LibraryColumn } from './components/library/LibraryColumn.js';
import { ModelsPage } from './components/models/ModelsPage.js';
import { PlanPage } from './components/planning/PlanPage.js';
import { ReportsPage } from './components/reports/ReportsPage.js';
import { SignIn } from './components/team/SignIn.js';
import { useCitationStore } from './state/citation-store.js';
import { useTeamStore } from './state/team-store.js';
import { useViewStore } from './state/view-store.js';

export function App() {
  const session = useTeamStore((state) => state.session);
  if (session === 'signed-out') return <SignIn />;
  // A moment at startup, while the server says whether it asks for a sign-in.
  if (session === 'checking') return <p className="app-checking muted">Connecting to Hearth…</p>;
  return <Workstation />;
}

function Workstation() {
  const citationOpen = useCitationStore((state) => state.open !== null);
  const view = useViewStore((state) => state.view);
  return (
    <div className="app">
      {/* Its own row of the grid, above the header: the whole window waits on the link. */}
      <div className="link-notice">
        <ConnectionBanner />
        <TeamLinkBanner />
      </div>
      <Header />
      {/* One row of the grid for whatever notices there are (none, one or both), so the page below keeps its own. */}
      <div className="notices">
        <ProblemBanner />
        <PreparationBanner />
      </div>
      <main className={citationOpen ? 'workspace workspace--with-source' : 'workspace'} hidden={view !== 'documents'}>
        <LibraryColumn />
        <ChatColumn />
        {citationOpen && view === 'documents' && <CitationPanel />}
      </main>
      <ReportsPage hidden={view !== 'reports'} />
      <PlanPage hidden={view !== 'plan'} />
      <ModelsPage hidden={view !== 'models'} />
    </div>
  );
}
