/** Where Hearth keeps its data: `HEARTH_DATA_DIR`, else the operating system's folder for app data. */
import os from 'node:os';
import path from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.HEARTH_DATA_DIR) return path.resolve(env.HEARTH_DATA_DIR);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Hearth');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Hearth');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'hearth');
}
