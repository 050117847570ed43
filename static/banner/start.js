  /* -- the public API, and the start ------------------------------------------------------ */

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
  /* What is required runs at once; the rest waits until the cookie's claim is trusted (trust.js). */
  adopt(decide({ status: 'missing' }, true));
  gate();
  new MutationObserver(gate).observe(doc, { childList: true, subtree: true });
  doc.addEventListener('click', (e) => {
    if (!e.target.closest('[data-consent-open]')) return;
    e.preventDefault();
    api.show();
  });
  trusted(readToken()).then((read) => {
    apply(decide(read));
    if (state.banner_required) whenBody(() => ui.open(false));
  });
