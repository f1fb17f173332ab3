/* FieldOps outbox, talking to the server: fetch with a timeout, the CSRF token, who is
 * signed in, and what counts as being offline.
 *
 * A plain script after outbox.js (in the page and in the service worker): adds
 * self.FieldOpsOutbox.http, used by outbox-send.js.
 */
((global) => {
  // biome-ignore lint/suspicious/noRedundantUseStrict: a classic script in the service worker
  "use strict";

  const TRANSIENT = new Set([408, 425, 429]); // answers that pass: sent again later
  const TIMEOUT = 30000;

  class Stop extends Error {
    constructor(status, detail) {
      super(status);
      this.status = status;
      this.detail = detail;
    }
  }

  // fetch with a timeout. No answer, or an answer that is not the app's (a captive
  // portal's page, a redirect to one, a proxy's error page), counts as being offline.
  async function request(url, options, timeout) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout || TIMEOUT);
    let response;
    try {
      response = await fetch(url, {
        credentials: "same-origin",
        cache: "no-store",
        signal: controller.signal,
        ...options,
        headers: { Accept: "application/json", ...options?.headers },
      });
    } catch (err) {
      throw new Stop("offline", String(err));
    } finally {
      clearTimeout(timer);
    }
    if (response.redirected || !(response.headers.get("Content-Type") || "").includes("json")) {
      throw new Stop("offline", `not the app's answer (HTTP ${response.status})`);
    }
    return response;
  }

  async function bodyOf(response) {
    try {
      return await response.json();
    } catch {
      return {
        code: response.status,
        status: response.statusText,
        message: `HTTP ${response.status}`,
      };
    }
  }

  // A POST carrying the CSRF token; a token refused (expired after days offline) is
  // fetched anew and the request sent once more.
  async function post(url, state, { headers, body }, timeout) {
    for (let attempt = 0; ; attempt += 1) {
      const response = await request(
        url,
        {
          method: "POST",
          headers: { ...headers, "X-CSRFToken": state.token },
          body,
        },
        timeout,
      );
      if (response.status !== 400 || attempt > 0) return response;
      const detail = await bodyOf(response.clone());
      if (!/csrf/i.test(detail.message || "")) return response;
      state.token = await fetchToken();
    }
  }

  async function fetchToken() {
    const response = await request("/api/auth/csrf");
    if (!response.ok) throw new Stop("error", `csrf: HTTP ${response.status}`);
    return (await response.json()).csrf_token;
  }

  // Who is signed in: items are only ever sent with their own author's session.
  async function whoAmI() {
    const response = await request("/api/me");
    if (response.status === 401) throw new Stop("signed_out");
    if (!response.ok) throw new Stop("error", `me: HTTP ${response.status}`);
    return response.json();
  }

  // The server's trouble, not the item's: sent again later as it is.
  const passing = (status) => status >= 500 || TRANSIENT.has(status);

  global.FieldOpsOutbox.http = { Stop, bodyOf, fetchToken, passing, post, request, whoAmI };
})(self);
