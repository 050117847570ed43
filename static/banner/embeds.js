  /* -- click-to-load embeds ---------------------------------------------------------------
   * A held iframe that is not allowed waits, detached (so it loads nothing), behind a
   * placeholder in its own box (no layout shift): the embed's title, the tracker's name and what
   * loading means, a poster from this page's or the service's origin (never the third party's),
   * "Load this time" (records nothing) and "Always allow <tracker>" (records a consent). Allowing
   * the tracker, here or in the banner, swaps every one of its embeds in; refusing it later
   * swaps them out again (apply). Bad markup still gets a placeholder and loads nothing unsafe;
   * the console names the element.
   */

  const placeholders = new Map(); /* held iframe -> its placeholder */
  const posterOrigins = [location.origin, new URL(base).origin];
  let embeds = 0;

  function hold(el) {
    const data = el.dataset;
    const tracker = trackers.find((t) => t.id == data.consentTracker);
    const category = categories.find((c) => c.id == data.consentCategory);
    const name = tracker ? tracker.name : category ? category.label : data.consentTracker || data.consentCategory;
    const poster = data.consentPoster && posterFrom(data.consentPoster, el);
    const id = ROOT + '-embed-' + ++embeds;
    if (!tracker && !category) warn('unknown tracker', el);
    if (!loadable(data.consentSrc)) warn('src not http(s)', el);
    const box = h('div', { class: 'consent-placeholder', role: 'group', 'aria-labelledby': id },
      poster && h('img', { class: 'poster', src: poster, alt: '' }),
      h('div', { class: 'panel' }, h('div', {},
        h('p', {}, h('b', { id: id }, el.title || name)),
        h('p', {}, T.embed_notice.replace('{tracker}', name), ' ', policyLink()),
        loadable(data.consentSrc) && h('div', { class: 'buttons' },
          button(T.embed_load_once, '', () => show(el)),
          tracker && button(T.embed_always_allow.replace('{tracker}', name), 'alt', () => allowAlways(el, tracker.id))))));
    styled();
    fit(box, el);
    el.removeAttribute('src');
    placeholders.set(el, box);
    el.replaceWith(box);
  }

  function posterFrom(url, el) {
    try {
      if (posterOrigins.includes(new URL(url, location.href).origin)) return url;
    } catch (e) {
      /* not a URL: left out as well */
    }
    warn('poster host not allowed', el);
  }

  /** The iframe's box: its rendered size (else its size attributes) kept as width and aspect ratio,
      so the placeholder scales as the iframe would; set on the element, which a strict CSP allows. */
  function fit(box, el) {
    const style = getComputedStyle(el);
    const set = (property, value) => box.style.setProperty(property, value, 'important');
    const width = el.offsetWidth || +el.getAttribute('width');
    const height = el.offsetHeight || +el.getAttribute('height');
    if (!el.getAttribute('width') || !el.getAttribute('height')) warn('no width and height', el);
    if (width && height) {
      set('width', width + 'px');
      set('aspect-ratio', width + '/' + height);
    }
    set('display', style.display == 'inline' ? 'inline-block' : style.display);
    set('margin', style.margin);
  }

  /** "Load this time": the embed goes back in its place and loads, and nothing is recorded. */
  function show(el) {
    placeholders.get(el).replaceWith(el);
    placeholders.delete(el);
    activate(el, () => el.focus());
  }

  function allowAlways(el, tracker) {
    save('custom', state.categories, overridesKept({ [tracker]: true })).then(() => el.focus());
  }

  /** Every held iframe allowed now goes back in its place, where gate() loads it in turn. */
  function release() {
    for (const [el, box] of placeholders) {
      if (!permitted(el) || !loadable(el.dataset.consentSrc)) continue;
      box.replaceWith(el);
      placeholders.delete(el);
    }
  }
