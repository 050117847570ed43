/* Consent banner: holds every tracker on the page until the visitor allows it.
 *
 * Served by GET /banner.js with the site's config (`__CONFIG__`, for one language and one
 * regime: opt_in, opt_out or notice) and the stylesheet (`__CSS__`) inlined, then minified.
 * The files of static/banner/ are the body of one function (banner/assets/js.py), in the order
 * banner/web/script.py lists them: they share its scope, and this file's early `return` ends them
 * all. The decision made here from the visitor's own cookie mirrors banner/core/policy.py
 * decide(); it is made only from a claim whose signature was checked first (trust.js).
 */
  if (window.consent && window.consent.ready) return;

  const cfg = __CONFIG__;
  const variant = pickVariant(cfg); /* before anything reads cfg: variant.js */
  const css = __CSS__;
  const T = cfg.texts;
  const regime = cfg.regime;
  const doc = document;
  const nav = navigator;
  const KINDS = ['first_party', 'ad_network', 'beacon', 'vast'];
  const GCM = ('ad_storage analytics_storage ad_user_data ad_personalization functionality_storage ' +
    'personalization_storage security_storage').split(' ');
  const SELECTOR = ':is([data-consent-tracker],[data-consent-category]):not([data-consent-done])';
  const me = doc.currentScript;
  const nonce = (me && me.nonce) || '';
  const base = (me && me.src) || location.href;
  const dnt = nav.doNotTrack == '1';
  const gpc = nav.globalPrivacyControl === true;
  const dntHonored = dnt && cfg.policy.honorDnt;
  const gpcHonored = gpc && cfg.policy.honorGpc;
  const listeners = [];
  const dataLayer = (window.dataLayer = window.dataLayer || []);
  const gtag = window.gtag || function () { dataLayer.push(arguments); };
  /* Categories travel as arrays, their trackers nested (banner/core/client_config.py). */
  const categories = cfg.categories.map((c) => ({ id: c[0], required: c[1], gcm: c[2], label: c[3], description: c[4] }));
  const trackers = cfg.categories.flatMap((c) => c[5].map((t) => ({
    id: t[0], name: t[1], kind: t[2], hosts: t[3], cookies: t[4], category: c[0], required: c[1],
  })));
  const adNetworks = trackers.filter((t) => t.kind == 'ad_network').map((t) => t.id);
  let state;
  let allowedIds; // every allowed tracker id, worked out once per decision
  let settle;

  const url = (path) => new URL('api/v1/' + path + '?site=' + cfg.site, base).href;
  const warn = (problem, el) => console.warn('Consent banner: ' + problem, el);

  /* -- the decision -------------------------------------------------------------------- */

  function readToken() {
    return (('; ' + doc.cookie).split('; ' + cfg.cookie.name + '=')[1] || '').split(';')[0];
  }

  /** base64url text as bytes (atob accepts it unpadded). */
  const bytes = (text) => Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0));

  /** The token's claim `{c, i, s, v, t}`, not yet verified; `status` says whether it would apply.
      The checks run in the service's order (banner/core/tokens.py): age, site, policy version. */
  function readClaim(token) {
    if (!token) return { status: 'missing' };
    try {
      const [payload, issued] = token.split('.');
      const claim = JSON.parse(new TextDecoder().decode(bytes(payload)));
      const age = Date.now() / 1000 - bytes(issued).reduce((seconds, byte) => seconds * 256 + byte, 0);
      const status = age > cfg.cookie.maxAge ? 'expired' : claim.s != cfg.site ? 'invalid'
        : claim.v != cfg.policy.version ? 'outdated' : 'valid';
      return { status: status, claim: claim };
    } catch (e) {
      return { status: 'invalid' };
    }
  }

  /** Without a valid claim the regime decides: opt_in allows only what is required, and so does
      every regime while the claim is `pending` verification. */
  function decide(read, pending) {
    const claim = read.status == 'valid' ? read.claim : null;
    const chosen = (claim && claim.c) || {};
    const overrides = (claim && claim.t) || {};
    /* "Do not sell or share": GPC, or every ad network turned off by name. */
    const noSale = gpcHonored || (adNetworks.length > 0 && adNetworks.every((id) => overrides[id] == 0));
    const chosenCategories = {};
    const allowed = {};
    const denied = {};
    const consentMode = {};
    for (const c of categories) {
      chosenCategories[c.id] = c.required ||
        ((claim ? chosen[c.id] == 1 : regime != 'opt_in' && !pending) && !dntHonored);
    }
    KINDS.forEach((kind) => { allowed[kind] = []; denied[kind] = []; });
    for (const t of trackers) {
      let on = chosenCategories[t.category];
      if (!t.required) {
        if (t.id in overrides) on = overrides[t.id] == 1 && !dntHonored;
        if (t.kind == 'ad_network' && noSale) on = false;
      }
      (on ? allowed : denied)[t.kind].push(t.id);
    }
    GCM.forEach((key) => {
      const granted = categories.some((c) => chosenCategories[c.id] && c.gcm.includes(key));
      consentMode[key] = granted && !(noSale && key.startsWith('ad_')) ? 'granted' : 'denied';
    });
    return {
      site: cfg.site,
      regime: regime,
      policy: cfg.policy,
      token_status: read.status,
      banner_required: !claim,
      consent: claim && {
        id: claim.i,
        choices: chosenCategories,
        trackers: Object.fromEntries(Object.keys(overrides).map((id) => [id, overrides[id] == 1])),
      },
      categories: chosenCategories,
      allowed: allowed,
      denied: denied,
      google_consent_mode: consentMode,
      signals: {
        dnt: { present: dnt, honored: dntHonored, policy_version: cfg.policy.version, note: cfg.policy.note },
        gpc: { present: gpc, honored: gpcHonored },
      },
    };
  }

  /** A tracker id, a tracker kind or a category id. */
  function allows(name) {
    return KINDS.includes(name) ? state.allowed[name].length > 0 : !!state.categories[name] || allowedIds.includes(name);
  }

  function adopt(decision) {
    state = decision;
    allowedIds = Object.values(decision.allowed).flat();
  }

  function apply(decision) {
    const running = [...doc.querySelectorAll('iframe[data-consent-done]')].filter(permitted);
    adopt((api.decision = decision));
    /* Embeds allowed until now are not left running once refused: they go back to placeholders. */
    running.forEach((el) => permitted(el) || el.removeAttribute('data-consent-done'));
    gtag('consent', 'update', decision.google_consent_mode);
    dataLayer.push({ event: 'consent_update', consent: decision.google_consent_mode });
    sweepCookies();
    gate();
    if (!decision.banner_required || regime != 'opt_in') settle(decision); /* opt_out, notice: it applies now */
    listeners.forEach((fn) => fn(decision));
  }

  /* -- gating elements on the page --------------------------------------------------------- */

  let busy = false;
  let again = false;

  /** Activate allowed elements one at a time, in document order (external scripts are awaited);
      a held iframe that is not allowed waits behind a placeholder (embeds.js). */
  function gate() {
    if (busy) { again = true; return; }
    busy = true;
    release();
    const todo = [];
    for (const el of doc.querySelectorAll(SELECTOR)) {
      if (permitted(el)) todo.push(el);
      else if (el.tagName == 'IFRAME' && api.decision) hold(el); /* a blank iframe until then */
    }
    const next = (i) => {
      if (i < todo.length) return activate(todo[i], () => next(i + 1));
      busy = false;
      if (again) { again = false; gate(); }
    };
    next(0);
  }

  function permitted(el) {
    const tracker = el.dataset.consentTracker;
    return tracker ? allowedIds.includes(tracker) : !!state.categories[el.dataset.consentCategory];
  }

  /** Only http(s) URLs are ever loaded into a held element: never `javascript:` or `data:`. */
  function loadable(src) {
    try {
      return !!src && /^https?:$/.test(new URL(src, location.href).protocol);
    } catch (e) {
      return false;
    }
  }

  function activate(el, done) {
    const src = el.dataset.consentSrc;
    el.setAttribute('data-consent-done', '');
    if (el.tagName != 'SCRIPT') {
      if (loadable(src)) el.src = src;
      else if (src) warn('src not http(s)', el);
      return done();
    }
    /* Under a nonce CSP only the page's own held scripts carry its nonce: one without it was
       injected. Never lend ours: with 'strict-dynamic' any script we create would run. */
    if (nonce && el.nonce !== nonce) {
      warn('held script without the page nonce', el);
      return done();
    }
    const script = doc.createElement('script');
    for (const a of el.attributes) script.setAttribute(a.name, a.value);
    script.type = el.dataset.consentType || '';
    if (src) script.src = src;
    script.nonce = el.nonce;
    script.text = el.text;
    if (script.src) {
      script.async = false;
      script.onload = script.onerror = done;
    }
    el.replaceWith(script);
    if (!script.src) done();
  }

  /** Delete the cookies of every denied tracker that this page can reach. */
  function sweepCookies() {
    const names = doc.cookie.split('; ').map((pair) => pair.split('=')[0]);
    for (const t of trackers) {
      if (allowedIds.includes(t.id)) continue;
      for (const pattern of t.cookies) {
        const stem = pattern.replace(/\*$/, '');
        names.forEach((name) => { if (name == pattern || (stem != pattern && name.startsWith(stem))) expire(name); });
      }
    }
  }

  /** Host-only and for every parent domain: the page cannot tell where a cookie was set. */
  function expire(name, domain) {
    const labels = location.hostname.split('.');
    [domain, ...labels.map((_, i) => labels.slice(i).join('.'))].forEach((at) => writeCookie(name, '', 0, at));
  }

  function writeCookie(name, value, maxAge, domain) {
    doc.cookie = name + '=' + value + '; Max-Age=' + maxAge + '; Path=/; SameSite=Lax' +
      (domain ? '; Domain=' + domain : '') + (location.protocol == 'https:' ? '; Secure' : '');
  }
