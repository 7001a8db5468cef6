export const THEME_KEY = 'netatlas-theme';

/**
 * For app/layout.tsx to inline in <head> (`<script dangerouslySetInnerHTML={{ __html: THEME_INIT_SCRIPT }} />`):
 * applies the remembered theme before first paint, so a dark page does not flash light. A constant, no user data.
 */
export const THEME_INIT_SCRIPT = `try{var t=localStorage.getItem('${THEME_KEY}');if(t==='dark'||(t===null&&matchMedia('(prefers-color-scheme: dark)').matches))document.documentElement.classList.add('dark')}catch(e){}`;

export function applyTheme(dark: boolean) {
  document.documentElement.classList.toggle('dark', dark);
}
