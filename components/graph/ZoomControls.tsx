'use client';

export interface ZoomControlsProps {
  onZoomIn: () => void;
  onZoomOut: () => void;
  onFit: () => void;
}

const button =
  'flex h-8 min-w-8 items-center justify-center px-2 text-sm hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none focus-visible:ring-inset dark:hover:bg-slate-800';

export function ZoomControls({ onZoomIn, onZoomOut, onFit }: ZoomControlsProps) {
  return (
    <div role="group" aria-label="Zoom" className="flex flex-col divide-y divide-slate-300 overflow-hidden rounded-md border border-slate-300 bg-white shadow-sm dark:divide-slate-600 dark:border-slate-600 dark:bg-slate-900">
      <button type="button" className={button} onClick={onZoomIn} aria-label="Zoom in" title="Zoom in">
        +
      </button>
      <button type="button" className={button} onClick={onZoomOut} aria-label="Zoom out" title="Zoom out">
        −
      </button>
      <button type="button" className={button} onClick={onFit} aria-label="Fit to screen" title="Fit to screen" data-testid="fit">
        Fit
      </button>
    </div>
  );
}
