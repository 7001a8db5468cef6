import { createRoot } from 'react-dom/client';
import { SNAPSHOT_ELEMENT_ID } from '@/lib/share/html';
import { OfflineApp } from './OfflineApp';

// The offline page's script (bundled by server/share/offline-assets.ts): reads the inert data element as text.
const embedded = document.getElementById(SNAPSHOT_ELEMENT_ID)?.textContent ?? '';
createRoot(document.getElementById('root')!).render(<OfflineApp embedded={embedded} />);
