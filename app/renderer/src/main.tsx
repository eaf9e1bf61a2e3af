/** Entry point of the renderer: connects to the core, renders the app and loads the first screen. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { connectToHearth } from './connection.js';
import { startHearth } from './state/actions.js';
import './styles.css';

// A file dropped beside the drop zone would otherwise make the browser navigate away to show it.
for (const type of ['dragover', 'drop'] as const) window.addEventListener(type, (event) => event.preventDefault());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void startHearth(connectToHearth());
