/**
 * The participant's token, kept for this tab only (`sessionStorage`: a reload
 * keeps the session, closing the tab ends it).
 *
 * A sign-in link is `/#token=drt_…`: a URL fragment never leaves the browser
 * (not sent to the server, not in its logs, not in a Referer). On load the
 * token is moved from the fragment into sessionStorage and the fragment is
 * removed from the address bar, so it is not left in the history or on a
 * screen share.
 */
const KEY = 'draftroom.token';

/** Moves a `#token=` from the address bar into sessionStorage; returns the token now held (or null). */
export function takeTokenFromAddress(): string | null {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = fragment.get('token')?.trim();
  if (token) {
    sessionStorage.setItem(KEY, token);
    history.replaceState(history.state, '', location.pathname + location.search);
  }
  return storedToken();
}

export function storedToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}
