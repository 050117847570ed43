"""A/B variants in the config: what start-up accepts, and every way a variant can be refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from banner.core import fairness
from banner.core.config import Variant
from banner.core.errors import ConfigError
from banner.core.fairness import first_layer_problem
from banner.core.layouts import LAYOUTS, ButtonLook, Layout
from tests.support import edited_app, schema_problems
from tests.test_config import parse, shipped

B = {
    "id": "b",
    "weight": 50,
    "layout": "box",
    "texts": {"en": {"title": "Your choice"}, "fr": {"title": "Votre choix"}},
}


def with_variants(*variants: dict[str, Any]) -> dict[str, Any]:
    data = shipped()
    data["sites"][0]["variants"] = list(variants)
    return data


def refusal(data: dict[str, Any]) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse(data)
    return info.value


def test_a_variant_is_read_with_only_its_overrides() -> None:
    site = parse(with_variants(B, {"id": "c", "weight": 20})).sites["demo"]
    assert site.variants == (
        Variant("b", 50, "box", {"en": {"title": "Your choice"}, "fr": {"title": "Votre choix"}}),
        Variant("c", 20, None, {}),
    )
    assert site.variant_ids == ("a", "b", "c")
    assert schema_problems(with_variants(B)) == []


def test_the_shipped_site_has_a_stopped_test_and_a_site_without_one_shows_only_its_own_banner() -> None:
    assert parse(shipped()).sites["demo"].variants == (
        Variant(
            "b",
            0,
            "box",
            {
                "en": {"title": "Cookies on this site", "accept_all": "Allow all"},
                "fr": {"title": "Les cookies de ce site", "accept_all": "Tout autoriser"},
            },
        ),
    )
    assert parse(with_variants()).sites["demo"].variant_ids == ("a",)


@pytest.mark.parametrize(
    ("variants", "key", "problem"),
    [
        ([{**B, "weight": 101}], "sites[0].variants[0].weight", "is not between 0 and 100"),
        ([{**B, "weight": -1}], "sites[0].variants[0].weight", "is not between 0 and 100"),
        ([B, {**B, "id": "c", "weight": 51}], "sites[0].variants", "weights add up to 101, over 100 percent"),
        ([{**B, "weight": "50"}], "sites[0].variants[0].weight", "must be a int"),
        ([{**B, "id": "a"}], "sites[0].variants[0].id", "'a' is the site's own banner"),
        ([B, {**B, "weight": 10}], "sites[0].variants[1].id", "duplicate variant id"),
        ([{**B, "id": "B!"}], "sites[0].variants[0].id", "must match"),
        ([{**B, "layout": "popup"}], "sites[0].variants[0].layout", "'popup' is not one of bar, box, modal"),
        ([{**B, "texts": {"en": {"tittle": "x"}}}], "sites[0].variants[0].texts.en.tittle", "did you mean title?"),
        ([{**B, "texts": {"en": {"title": "x"}}}], "sites[0].variants[0].texts.fr.title", "missing: the variant"),
        ([{**B, "texts": {"de": {"title": "x"}}}], "sites[0].variants[0].texts.de", "not one of the site's languages"),
        (
            [{**B, "texts": {"en": {"dnt_notice": "x"}, "fr": {"dnt_notice": "x"}}}],
            "sites[0].variants[0].texts.en.dnt_notice",
            "policy's own notices",
        ),
        (
            [{**B, "texts": {"en": {"gpc_notice": "x"}}}],
            "sites[0].variants[0].texts.en.gpc_notice",
            "policy's own notices",
        ),
        ([{**B, "colour": "red"}], "sites[0].variants[0].colour", "unknown key in [[sites.variants]]"),
        ([{**B, "weight": True}], "sites[0].variants[0].weight", "must be a int"),
        ([{"id": "b"}], "sites[0].variants[0].weight", "is required"),
    ],
)
def test_a_bad_variant_names_its_key(variants: list[dict[str, Any]], key: str, problem: str) -> None:
    error = refusal(with_variants(*variants))
    assert error.key == key
    assert problem in error.problem


def test_weights_may_fill_the_whole_audience() -> None:
    site = parse(with_variants({**B, "weight": 60}, {"id": "c", "weight": 40})).sites["demo"]
    assert sum(v.weight for v in site.variants) == 100


# -- fairness: what a variant may not do to Reject all ----------------------------------------


def both(name: str, en: str, fr: str) -> dict[str, Any]:
    return {**B, "texts": {"en": {name: en}, "fr": {name: fr}}}


@pytest.mark.parametrize(
    ("variant", "problem"),
    [
        (both("reject_all", "", "Tout refuser"), "the reject_all button has no words"),
        (both("reject_all", "   ", "Tout refuser"), "the reject_all button has no words"),
        (both("accept_all", "Accept all", ""), "the accept_all button has no words"),
        (both("customize", "", "Personnaliser"), "the customize button has no words"),
        (both("do_not_sell", "Do not sell", ""), "the do_not_sell button has no words"),
        # much longer: a refusal that pleads, and one cut short next to a long Accept
        (both("reject_all", "No", "Tout refuser"), "'Accept all' is more than 2 times as long as 'No'"),
        (both("accept_all", "Yes", "Tout accepter"), "'Reject all' is more than 2 times as long as 'Yes'"),
        # longer than two lines of the narrowest button
        (both("reject_all", "I do not want any of these!", "Tout refuser"), "longer than 2 lines of a box button"),
        # one button a line taller than the other
        (
            both("accept_all", "Accept all cookies", "Tout accepter"),
            "takes 2 line(s) of a box button and 'Reject all' 1",
        ),
        # a refusal that says accept, agree, OK ...
        (both("reject_all", "Accept none", "Tout refuser"), "says 'accept', a word of consent"),
        (both("reject_all", "Reject all", "Accepter peu"), "says 'accepter', a word of consent"),
        (both("reject_all", "OK then", "Tout refuser"), "says 'ok', a word of consent"),
        (both("do_not_sell", "Agree to less", "Ne pas vendre"), "says 'agree', a word of consent"),
        # ... or a word of its own Accept label that the site's own pair does not share
        ({**B, "texts": {"en": {"accept_all": "Sure thing", "reject_all": "Nope thing"}, "fr": {}}}, "'thing'"),
    ],
)
def test_a_variant_that_makes_reject_less_prominent_does_not_start(variant: dict[str, Any], problem: str) -> None:
    variant["texts"]["fr"] = variant["texts"]["fr"] or dict(variant["texts"]["en"])
    error = refusal(with_variants(variant))
    assert error.key == "sites[0].variants[0]"
    assert error.problem.startswith("variant 'b' would not show Reject all as prominently as Accept all (")
    assert problem in error.problem


@pytest.mark.parametrize(
    ("name", "en", "fr"),
    [
        ("reject_all", "Don't accept", "N'accepte pas"),
        ("reject_all", "Do not accept", "Tout refuser"),
        ("reject_all", "Reject", "Refuser"),
        ("accept_all", "Allow all", "Autoriser tout"),
        ("title", "A much longer heading than any button would ever carry", "Un titre"),
    ],
)
def test_fair_wording_starts(name: str, en: str, fr: str) -> None:
    assert parse(with_variants(both(name, en, fr))).sites["demo"].variants[0].texts["en"][name] == en


@pytest.mark.parametrize(
    ("label", "affirmed"),
    [
        ("Continue without accepting", {"continue", "without"}),
        ("Continuer sans accepter", {"continuer", "sans"}),
        ("Je n'accepte pas", {"je", "n"}),
        ("Accept only necessary", {"accept", "only", "necessary"}),
    ],
)
def test_a_negation_turns_the_next_words_around(label: str, affirmed: set[str]) -> None:
    assert fairness.affirmed(label) == affirmed


def test_the_sites_own_texts_are_held_to_the_same_rules() -> None:
    data = shipped()
    data["texts"]["en"]["reject_all"] = "Accept necessary only"
    error = refusal(data)
    assert error.key == "texts.en"
    assert "Reject all must be as prominent as Accept all" in error.problem


def test_the_narrow_box_refuses_what_a_bar_draws_on_one_line() -> None:
    """Each layout has its own narrowest button: the same words can pass in one and fail in another."""
    narrow = Layout("narrow", LAYOUTS["box"].accept, LAYOUTS["box"].reject, label_px=60)
    texts = parse(shipped()).texts["en"]
    shown = {**texts, "reject_all": "Reject"}
    assert first_layer_problem(shown, LAYOUTS["modal"], texts) is None
    assert "takes 2 line(s) of a narrow button" in (first_layer_problem(shown, narrow, texts) or "")


def test_a_layout_that_draws_reject_unlike_accept_is_refused() -> None:
    texts = parse(shipped()).texts["en"]
    quiet = ButtonLook("a", "small", "link")
    lopsided = Layout("lopsided", LAYOUTS["bar"].accept, quiet, label_px=111)
    problem = first_layer_problem(texts, lopsided, texts)
    assert problem is not None and problem.startswith("the lopsided layout draws Reject all as ")
    assert all(layout.accept == layout.reject for layout in LAYOUTS.values())


def test_an_unfair_variant_config_does_not_start_the_app(config_copy: Path, environ: dict[str, str]) -> None:
    unfair = (
        ('texts.en.accept_all = "Allow all"', 'texts.en.reject_all = "Accept essentials"'),
        ('texts.fr.accept_all = "Tout autoriser"', 'texts.fr.reject_all = "Tout refuser"'),
    )
    with pytest.raises(ConfigError, match=r"sites\[0\]\.variants\[0\]: variant 'b' would not show Reject all"):
        edited_app(environ, config_copy, *unfair)
