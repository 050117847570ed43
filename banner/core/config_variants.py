"""A site's ``[[sites.variants]]``: read, checked against each other and the site, and held to fairness.

Ids are unique and never ``a`` (the site's own banner); weights leave variant ``a`` a share of 0 or
more; a variant speaks every language the site ships, changing the same texts in each, and never
the policy's own notices. Once the banner texts are read, :func:`check_fairness` holds the site's
own texts and every variant to :mod:`banner.core.fairness`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from banner.core.config import BASE_VARIANT, Site, Variant
from banner.core.config_reader import Section
from banner.core.config_spec_banner import POLICY_TEXTS
from banner.core.fairness import first_layer_problem
from banner.core.layouts import DEFAULT_LAYOUT, LAYOUTS

ALL = 100  # percent


def read_variants(s: Section, languages: Sequence[str]) -> tuple[Variant, ...]:
    """The variants of the site in ``s``; ``languages`` are the site's."""
    variants: list[Variant] = []
    for i, t in enumerate(s.tables("variants")):
        variant = _variant(t, languages)
        if variant.id == BASE_VARIANT:
            raise s.fail(f"variants[{i}].id", f"{BASE_VARIANT!r} is the site's own banner; name a variant b, c, ...")
        if variant.id in {v.id for v in variants}:
            raise s.fail(f"variants[{i}].id", f"duplicate variant id {variant.id!r}")
        variants.append(variant)
    if sum(v.weight for v in variants) > ALL:
        raise s.fail("variants", f"weights add up to {sum(v.weight for v in variants)}, over {ALL} percent")
    return tuple(variants)


def _variant(s: Section, languages: Sequence[str]) -> Variant:
    raw = s.data.get("texts", {})
    for lang, table in raw.items() if isinstance(raw, dict) else ():
        for name in POLICY_TEXTS:
            if isinstance(table, dict) and name in table:
                raise s.fail(f"texts.{lang}.{name}", "the policy's own notices are the same in every variant")
    texts = {lang: _overrides(t) for lang, t in s.keyed("texts").items()}
    _check_languages(s, texts, languages)
    return Variant(
        id=s.value("id", str),
        weight=s.value("weight", int),
        layout=s.value("layout", str) if "layout" in s.data else None,
        texts=texts,
    )


def _overrides(t: Section) -> dict[str, str]:
    return {f.name: t.value(f.name, str) for f in t.spec.fields if f.name in t.data}


def _check_languages(s: Section, texts: Mapping[str, Mapping[str, str]], languages: Sequence[str]) -> None:
    """Overrides only in the site's languages, and the same names in each of them."""
    for lang in texts:
        if lang not in languages:
            raise s.fail(f"texts.{lang}", f"{lang!r} is not one of the site's languages ({', '.join(languages)})")
    changed = {name for overrides in texts.values() for name in overrides}
    for lang in languages:
        for name in sorted(changed - texts.get(lang, {}).keys()):
            raise s.fail(f"texts.{lang}.{name}", f"missing: the variant changes {name} in another language")


def check_fairness(root: Section, sites: Sequence[Site], texts: Mapping[str, Mapping[str, str]]) -> None:
    """Every site's own first layer, and each variant's, shows Reject all as Accept all; else start-up stops."""
    for lang in sorted({lang for site in sites for lang in site.languages}):
        problem = first_layer_problem(texts[lang], LAYOUTS[DEFAULT_LAYOUT], texts[lang])
        if problem:
            raise root.fail(f"texts.{lang}", f"Reject all must be as prominent as Accept all: {problem}")
    for i, site in enumerate(sites):
        for j, variant in enumerate(site.variants):
            layout = LAYOUTS[variant.layout or DEFAULT_LAYOUT]
            for lang in site.languages:
                shown = {**texts[lang], **variant.texts.get(lang, {})}
                problem = first_layer_problem(shown, layout, texts[lang])
                if problem:
                    raise root.fail(
                        f"sites[{i}].variants[{j}]",
                        f"variant {variant.id!r} would not show Reject all as prominently as Accept all "
                        f"({lang}, {layout.name} layout): {problem}",
                    )
