/* A/B variant: which version of the banner this visitor sees (banner/core/variants.py).
 *
 * `cfg.variants` lists the site's running variants other than `a` (its own banner) as
 * [id, weight in percent, text overrides, layout or null]. A new visitor draws one by weight; it is
 * kept for the browsing session in sessionStorage (never a cookie, and no request), and applied to
 * the config before anything reads it. A stored id that is not running (edited, or stopped since)
 * means `a`, as the service counts it; so does a browser that keeps no sessionStorage.
 * A function declaration: the part that declares `cfg` calls it, wherever this part comes.
 */
  function pickVariant(cfg) {
    const variants = cfg.variants || [];
    let roll = Math.random() * 100;
    let id = 'a';
    try {
      id = sessionStorage.consentVariant ||= (variants.find((v) => (roll -= v[1]) < 0) || ['a'])[0];
    } catch (e) { /* storage refused: this page shows `a` */ }
    const chosen = variants.find((v) => v[0] == id) || ['a', 0, {}];
    Object.assign(cfg.texts, chosen[2]);
    if (chosen[3]) cfg.layout = chosen[3];
    return chosen[0];
  }
