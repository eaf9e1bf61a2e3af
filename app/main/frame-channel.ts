/** The one IPC channel RPC frames travel on, in both directions; shared by the main process and the preload. */
export const FRAME_CHANNEL = 'hearth:frame';
