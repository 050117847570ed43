/* Consent banner: holds every tracker on the page until the visitor allows it.
 *
 * Served by GET /banner.js with the site's config (`__CONFIG__`, for one language and one
 * regime: opt_in, opt_out or notice) and the stylesheet (`__CSS__`) inlined, then minified.
 * The decision made here from the visitor's own cookie mirrors banner/core/policy.py decide(),
 * and vastUrl() mirrors banner/core/vast.py; the server verifies the signature, the page need not.
 * This file is the first part of the body of the one function the bundle runs
 * (banner/assets/js.py): parts added after it share its scope, and its early `return` ends them all.
 */
  if (window.consent && window.consent.decision) return;

  const cfg = __CONFIG__;
  const variant = pickVariant(cfg); /* before anything reads cfg: banner/variant.js */
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
  /* Categories travel as arrays, their trackers nested (banner/core/presentation.py). */
  const categories = cfg.categories.map((c) => ({ id: c[0], required: c[1], gcm: c[2], label: c[3], description: c[4] }));
  const trackers = cfg.categories.flatMap((c) => c[5].map((t) => ({
    id: t[0], name: t[1], kind: t[2], hosts: t[3], cookies: t[4], category: c[0], required: c[1],
  })));
  const adNetworks = trackers.filter((t) => t.kind == 'ad_network').map((t) => t.id);
  let state;
  let allowedIds; // every allowed tracker id, worked out once per decision
  let settle;

  const url = (path) => new URL('api/v1/' + path + '?site=' + cfg.site, base).href;

  /* -- the decision -------------------------------------------------------------------- */

  function readToken() {
    return (('; ' + doc.cookie).split('; ' + cfg.cookie.name + '=')[1] || '').split(';')[0];
  }

  /** The token's payload, unverified: `{c, i, s, v, t}`; `status` says whether it applies. */
  function readClaim(token) {
    if (!token) return { status: 'missing' };
    try {
      const claim = JSON.parse(atob(token.split('.')[0].replaceAll('-', '+').replaceAll('_', '/')));
      const status = claim.s != cfg.site ? 'invalid' : claim.v != cfg.policy.version ? 'outdated' : 'valid';
      return { status: status, claim: claim };
    } catch (e) {
      return { status: 'invalid' };
    }
  }

  /** Without a valid claim the regime decides: opt_in allows only what is required. */
  function decide(read) {
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
      chosenCategories[c.id] = c.required || ((claim ? chosen[c.id] == 1 : regime != 'opt_in') && !dntHonored);
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
      consent: claim && { id: claim.i, choices: chosenCategories, trackers: overrides },
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


  function apply(decision) {
    state = api.decision = decision;
    allowedIds = Object.values(decision.allowed).flat();
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

  /** Activate allowed elements one at a time, in document order (external scripts are awaited). */
  function gate() {
    if (busy) { again = true; return; }
    busy = true;
    const todo = [...doc.querySelectorAll(SELECTOR)].filter(permitted);
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


  function activate(el, done) {
    const src = el.dataset.consentSrc;
    el.setAttribute('data-consent-done', '');
    if (el.tagName != 'SCRIPT') {
      if (src) el.src = src;
      return done();
    }
    /* Under a nonce CSP only the page's own held scripts carry its nonce: one without it was
       injected. Never lend ours: with 'strict-dynamic' any script we create would run. */
    if (nonce && el.nonce !== nonce) {
      console.warn('Consent banner: held script without the page nonce left inert', el);
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

  /* -- talking to the service ------------------------------------------------------------- */

  function request(method, body) {
    return fetch(url('consent'), {
      method: method,
      headers: { 'Content-Type': 'application/json', 'X-Consent-Token': readToken() },
      body: body && JSON.stringify(body),
    }).then((r) => (r.ok ? r.json() : Promise.reject(r.status)));
  }


  /** Record the choice; if the service cannot be reached, still honor it for this page. */
  function save(action, choices, overrides) {
    const body = { site: cfg.site, choices: choices, trackers: overrides, action: action, lang: cfg.lang, variant: variant };

    return request('POST', body).then(
      (answer) => {
        writeCookie(cfg.cookie.name, answer.token, cfg.cookie.maxAge, cfg.cookie.domain);
        return readClaim(answer.token);
      },
      () => ({ status: 'valid', claim: { c: choices, t: body.trackers, s: cfg.site, v: cfg.policy.version } }),
    ).then((read) => {
      ui.close();
      apply(decide(read));
      return state;
    });
  }

  function everything(on) {
    const choices = {};
    categories.forEach((c) => { choices[c.id] = on || c.required; });
    return choices;
  }

  /** Keep the visitor's per-tracker choices (such as "Do not sell or share") when categories change. */
  function overridesKept() {
    return state.consent ? state.consent.trackers : {};
  }

  function withdraw() {
    return request('DELETE').catch(() => null).then(() => {
      expire(cfg.cookie.name, cfg.cookie.domain);
      apply(decide({ status: 'missing' }));
      ui.open(false);
      return state;
    });
  }

  /* -- video ads ---------------------------------------------------------------------------- */

  const MACRO = /(?:\[|%5b)(gdprconsent|limitadtracking|regulations|gdpr)(?:]|%5d)/gi;

  const vastHosts = trackers.filter((t) => t.kind == 'vast').flatMap((t) => t.hosts.map((host) => host.toLowerCase()));

  /** Whether the tag is an http(s) URL on a configured VAST host, both as the server reads it (its
      authority cut as urlsplit cuts it: no user info, a valid port) and as the browser will request it. */
  function vastTag(tag) {
    try {
      const authority = /^https?:\/\/([^/?#]*)/i.exec(tag)[1].toLowerCase();
      const host = new URL(tag).hostname;
      return tag.length <= 4096 && !/[\0- \s]/.test(tag) && !authority.includes('@') &&
        vastHosts.includes(host) && authority.split(':')[0] == host;
    } catch (e) {
      return false;
    }
  }

  /** The ad tag with the IAB privacy macros and parameters filled, or null: no ad request. */
  function vastUrl(tag) {
    if (!allows('vast') || !vastTag(tag)) return null;
    const gdpr = +(regime == 'opt_in');
    const npa = +(state.google_consent_mode.ad_personalization == 'denied');
    const values = { gdpr: gdpr, gdprconsent: '', limitadtracking: npa, regulations: { opt_in: 'gdpr', opt_out: 'ccpa' }[regime] || '' };
    /* Only our parameters change: every other byte of the tag stays (players fill their own macros). */
    const [, path, query, fragment] = tag.replace(MACRO, (m, name) => values[name.toLowerCase()])
      .match(/([^?#]*)\??([^#]*)#?(.*)/);
    const ours = { gdpr: gdpr };
    if (gdpr) ours.gdpr_consent = '';
    if (npa) ours.npa = 1;
    if (regime == 'opt_out') ours.us_privacy = '1Y' + (state.allowed.ad_network.length ? 'N' : 'Y') + 'N';
    /* Ours replace the tag's own in place (once; those that do not apply go), the rest follow. */
    const params = query.split('&').filter(Boolean).flatMap((p) => {
      const name = p.split('=')[0];
      if (!/^(gdpr|gdpr_consent|npa|us_privacy)$/.test(name)) return [p];
      const value = ours[name];
      delete ours[name];
      return value == null ? [] : [name + '=' + value];
    });
    for (const name in ours) params.push(name + '=' + ours[name]);
    return path + '?' + params.join('&') + (fragment ? '#' + fragment : '');
  }



  /* -- the banner ---------------------------------------------------------------------- */

  function h(tag, attrs, ...children) {
    const el = doc.createElement(tag);
    for (const name in attrs) el.setAttribute(name, attrs[name]);
    el.append(...children.flat().filter(Boolean));
    return el;
  }

  function button(text, cls, onClick) {
    const el = h('button', { type: 'button', class: cls }, text);
    el.addEventListener('click', onClick);
    return el;
  }

  const ui = (() => {
    let root, bar, dialog, opener;
    const toggles = {};
    const notices = () => [
      dnt && !dntHonored && h('p', { class: 'note' }, cfg.policy.note),

      gpcHonored && h('p', { class: 'note' }, T.gpc_notice),
    ];
    const choicesButtons = () => [
      button(T.accept_all, '', api.acceptAll),
      button(T.reject_all, '', api.rejectAll),
    ];

    function tracker(t) {
      const detail = (label, list) => list[0] && h('div', {}, label + ': ' + list.join(', '));
      return h('li', {}, h('b', {}, t.name), ' · ' + T['kind_' + t.kind], detail(T.hosts, t.hosts), detail(T.cookies, t.cookies));
    }

    function category(c) {
      const id = 'c-' + c.id;
      const input = h('input', { type: 'checkbox', role: 'switch', id: id, 'aria-describedby': id + 'd' });
      const covered = trackers.filter((t) => t.category == c.id);
      input.disabled = c.required;
      toggles[c.id] = input;
      return h('div', { class: 'cat' },
        h('div', { class: 'row' }, h('label', { for: id }, c.label), c.required && h('span', { class: 'on' }, T.always_on), input),
        h('p', { id: id + 'd', class: 'desc' }, c.description),
        covered[0] && h('details', {}, h('summary', {}, T.trackers + ' (' + covered.length + ')'),
          h('ul', {}, covered.map(tracker))));
    }

    function build() {
      const host = h('consent-banner', {});
      const sheet = new CSSStyleSheet(); /* constructed: allowed by a strict style-src */
      const close = button('×', 'x', () => dialog.close());
      root = host.attachShadow({ mode: 'open' });
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
      close.setAttribute('aria-label', T.close);
      /* opt_in asks first; opt_out and notice inform, and opt_out offers "Do not sell or share". */
      bar = h('div', { class: 'bar', role: 'dialog', 'aria-labelledby': 't1', 'aria-describedby': 'b1', tabindex: -1 },
        h('div', { class: 'wide' }, h('h2', { id: 't1' }, T.title),
          h('p', { id: 'b1' }, T.body, ' ', h('a', { href: cfg.policy.url, target: '_blank' }, T.policy_link)),
          notices()),
        h('div', { class: 'buttons' },
          regime == 'opt_in' ? choicesButtons() : button(T.ok, '', api.acceptAll),
          regime == 'opt_out' && button(T.do_not_sell, 'wide', api.doNotSell),
          button(T.customize, 'alt', () => open(true))));
      /* A modal <dialog>: the browser keeps focus inside and closes it on Esc. */
      dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 't2', tabindex: -1 },
        h('div', { class: 'head' }, h('h2', { id: 't2' }, T.title), close),
        h('div', { class: 'body' }, notices(), categories.map(category)),
        h('div', { class: 'buttons' }, choicesButtons(), button(T.save, 'alt', saveToggles)));
      dialog.addEventListener('close', back);
      /* Tab past the end would leave the page for the browser's own controls: wrap around. */
      dialog.addEventListener('focusout', (e) => e.relatedTarget || dialog.focus());

      root.append(h('div', { class: 'w', lang: cfg.lang }, bar, dialog));
      doc.body.append(host);
    }

    function saveToggles() {
      const choices = {};
      for (const id in toggles) choices[id] = toggles[id].checked;
      save('custom', choices, overridesKept());
    }

    /** Show the first layer, or with `details` the preferences dialog. */
    function open(details) {
      if (!root) build();
      opener = opener || doc.activeElement;
      for (const id in toggles) toggles[id].checked = state.categories[id];
      bar.hidden = details;
      details ? dialog.open || dialog.showModal() : dialog.close();
      (details ? dialog : bar).focus();
      if (!details && !open.shown) {
        open.shown = true;
        nav.sendBeacon(url('events'), JSON.stringify({ site: cfg.site, type: 'shown', variant: variant }));
      }
    }

    /** Esc or × closed the dialog: back to the first layer while no choice is recorded, else away. */
    function back() {
      if (state.banner_required) open(false);
      else close();
    }

    function close() {
      if (!root) return;
      bar.hidden = true;
      dialog.close();
      if (opener) opener.focus();
      opener = null;

    }

    return { open: open, close: close };
  })();

  /* -- the public API ------------------------------------------------------------------- */

  const api = (window.consent = {
    decision: null,
    ready: new Promise((resolve) => { settle = resolve; }),
    allows: allows,
    on: (type, fn) => { if (type == 'change') listeners.push(fn); },
    show: () => whenBody(() => ui.open(true)),
    acceptAll: () => save('accept_all', everything(true)),
    rejectAll: () => save('reject_all', everything(false)),
    set: (choices) => save('custom', Object.assign({}, state.categories, choices), overridesKept()),
    doNotSell: () => save('custom', everything(true), Object.fromEntries(adNetworks.map((id) => [id, false]))),
    withdraw: withdraw,
    vastUrl: vastUrl,
  });

  function whenBody(fn) {
    if (doc.body) fn();
    else doc.addEventListener('DOMContentLoaded', fn);
  }

  const defaults = { wait_for_update: 500 };
  GCM.forEach((key) => { defaults[key] = key == 'security_storage' ? 'granted' : 'denied'; });
  gtag('consent', 'default', defaults);
  apply(decide(readClaim(readToken())));
  new MutationObserver(gate).observe(doc, { childList: true, subtree: true });
  doc.addEventListener('click', (e) => {
    if (!e.target.closest('[data-consent-open]')) return;
    e.preventDefault();
    api.show();
  });
  if (state.banner_required) whenBody(() => ui.open(false));
