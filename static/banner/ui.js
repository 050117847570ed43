  /* -- the banner -------------------------------------------------------------------------
   * In the page's own DOM, where privacy tools and assistive technology look for it: one
   * container, #consent-service-banner, holds the first layer (a dialog whose layout, `bar`,
   * `box` or `modal`, comes from the config; modal only in the modal layout) and the preferences
   * (a modal dialog). Its stylesheet is constructed and adopted by the document, which a strict
   * style-src allows, and banner.css keeps the page's own CSS out.
   */

  const ROOT = 'consent-service';
  let sheet;

  function styled() {
    if (sheet) return;
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  }

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

  const policyLink = () => h('a', { href: cfg.policy.url, target: '_blank' }, T.policy_link);

  const ui = (() => {
    let root, first, prefs, opener;
    const toggles = {};
    const notices = () => [
      dnt && !dntHonored && h('p', { class: 'note' }, cfg.policy.note),
      gpcHonored && h('p', { class: 'note' }, T.gpc_notice),
    ];
    /* Accept and Reject: the same element, class and size in every layout. */
    const choicesButtons = () => [
      button(T.accept_all, '', api.acceptAll),
      button(T.reject_all, '', api.rejectAll),
    ];

    function tracker(t) {
      const detail = (label, list) => list[0] && h('div', {}, label + ': ' + list.join(', '));
      return h('li', {}, h('b', {}, t.name), ' · ' + T['kind_' + t.kind], detail(T.hosts, t.hosts), detail(T.cookies, t.cookies));
    }

    function category(c) {
      const id = ROOT + '-' + c.id;
      const input = h('input', { type: 'checkbox', role: 'switch', id: id, 'aria-describedby': id + '-d' });
      const covered = trackers.filter((t) => t.category == c.id);
      input.disabled = c.required;
      toggles[c.id] = input;
      return h('div', { class: 'cat' },
        h('div', { class: 'row' }, h('label', { for: id }, c.label), c.required && h('span', { class: 'on' }, T.always_on), input),
        h('p', { id: id + '-d', class: 'desc' }, c.description),
        covered[0] && h('details', {}, h('summary', {}, T.trackers + ' (' + covered.length + ')'),
          h('ul', {}, covered.map(tracker))));
    }

    function build() {
      const close = button('×', 'x', () => prefs.close());
      close.setAttribute('aria-label', T.close);
      styled();
      /* opt_in asks first; opt_out and notice inform, and opt_out offers "Do not sell or share". */
      first = h('dialog', {
        class: 'first', role: 'dialog', 'aria-labelledby': ROOT + '-title', 'aria-describedby': ROOT + '-text', tabindex: -1,
      },
      h('div', { class: 'wide' }, h('h2', { id: ROOT + '-title' }, T.title),
        h('p', { id: ROOT + '-text' }, T.body, ' ', policyLink()),
        notices()),
      h('div', { class: 'buttons' },
        regime == 'opt_in' ? choicesButtons() : button(T.ok, '', api.acceptAll),
        regime == 'opt_out' && button(T.do_not_sell, 'wide', api.doNotSell),
        button(T.customize, 'alt', () => open(true))));
      /* Even the modal first layer stays until the visitor chooses: Esc does not dismiss it. */
      first.addEventListener('cancel', (e) => e.preventDefault());
      /* A modal <dialog>: the browser keeps focus inside and closes it on Esc. */
      prefs = h('dialog', { class: 'prefs', 'aria-labelledby': ROOT + '-prefs', tabindex: -1 },
        h('div', { class: 'head' }, h('h2', { id: ROOT + '-prefs' }, T.title), close),
        h('div', { class: 'body' }, notices(), categories.map(category)),
        h('div', { class: 'buttons' }, choicesButtons(), button(T.save, 'alt', saveToggles)));
      prefs.addEventListener('close', back);
      /* Tab past the end would leave the page for the browser's own controls: wrap around. */
      prefs.addEventListener('focusout', (e) => e.relatedTarget || prefs.focus());
      root = h('div', { id: ROOT + '-banner', class: cfg.layout, lang: cfg.lang }, first, prefs);
      doc.body.append(root);
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
      if (details) {
        first.close();
        prefs.open || prefs.showModal();
      } else {
        prefs.close();
        first.open || (cfg.layout == 'modal' ? first.showModal() : first.show());
      }
      (details ? prefs : first).focus();
      if (!details && !open.shown) {
        open.shown = true;
        nav.sendBeacon(url('events'), JSON.stringify({ site: cfg.site, type: 'shown', variant: variant }));
      }
    }

    /** Esc or × closed the preferences: back to the first layer while no choice is recorded, else away. */
    function back() {
      if (state.banner_required) open(false);
      else close();
    }

    function close() {
      if (!root) return;
      first.close();
      prefs.close();
      if (opener) opener.focus();
      opener = null;
    }

    return { open: open, close: close };
  })();
