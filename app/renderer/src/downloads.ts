/**
 * How a file the core sent (an exported report) reaches the user's disk: its bytes as a Blob behind a download
 * link, clicked once. A browser saves it to its downloads; Electron's default download handling does the same.
 */

/** Hands `base64`'s bytes to the browser as a download named `fileName`. */
export function saveDownload({ base64, fileName, mediaType }: { base64: string; fileName: string; mediaType: string }): void {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: mediaType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser reads the Blob after this click returns; letting go of it at once could cut a large file short.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
