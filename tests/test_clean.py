from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veille.clean import MAX_MATCH_CHARS, Cleaner, Lexicon
from veille.errors import EmptyInputError
from veille.models import RawDocument
from veille.pipeline import article_id_for, new_document

BODY = [
    "Le dirigeant nord-coréen Kim Jong Un est arrivé mardi en Russie à bord de son train blindé, "
    "a annoncé l'agence officielle KCNA, pour une rencontre très attendue avec Vladimir Poutine.",
    "Selon le Kremlin, les deux dirigeants se rencontreront dans l'Extrême-Orient russe.",
    "Un train blindé",
    "Le convoi a franchi la frontière dans la nuit, selon Séoul.",
    "« Aucun accord n'a été signé », a déclaré Dmitri Peskov, porte-parole du Kremlin.",
    "Le bilan est lourd.",
]

PAGE = "\n".join([
    "This theme requires JavaScript to be enabled.",
    "Accueil / International / Asie",
    "International",
    "Kim Jong Un arrive en Russie à bord de son train blindé",
    "Par Jean Dupont, avec AFP",
    "Publié le 12 septembre 2023 à 08h12",
    "Temps de lecture : 3 min",
    "Partager",
    "Facebook",
    BODY[0],
    "Publicité",
    BODY[1],
    BODY[2],
    BODY[3],
    "À lire aussi",
    "Corée du Nord : un nouveau tir de missile balistique",
    BODY[4],
    BODY[5],
    "Kim Jong Un arrive en Russie à bord de son train blindé",
    "Laisser un commentaire",
    "Votre adresse e-mail ne sera pas publiée.",
    "Sur le même sujet",
    "Ukraine : Kiev revendique une avancée près de Bakhmout",
    "Guerre au Soudan : les combats reprennent à Khartoum",
])


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner()


def clean(cleaner: Cleaner, text: str, **meta):
    return cleaner(new_document(RawDocument(source_path="t.txt", text=text, **meta)))


def reasons(doc) -> dict[str, str]:
    return {r.line: r.reason for r in doc.removed_lines}


def test_clean_keeps_body_lines_in_order(cleaner):
    doc = clean(cleaner, PAGE)
    assert doc.text == "\n".join(BODY)
    assert doc.article_id == article_id_for(doc.text)
    assert doc.language == "fr"


def test_clean_splits_title_byline_credit(cleaner):
    doc = clean(cleaner, PAGE)
    assert doc.title == "Kim Jong Un arrive en Russie à bord de son train blindé"
    assert doc.byline == "Jean Dupont"
    assert doc.credit == "AFP"
    removed = [(r.line, r.reason) for r in doc.removed_lines]
    assert ("Kim Jong Un arrive en Russie à bord de son train blindé", "title") in removed
    assert ("Par Jean Dupont, avec AFP", "byline") in removed
    assert removed.count(("Kim Jong Un arrive en Russie à bord de son train blindé", "repeated-title")) == 1


def test_clean_records_every_removed_line_with_its_reason(cleaner):
    got = reasons(clean(cleaner, PAGE))
    assert got == {
        "This theme requires JavaScript to be enabled.": "pattern:theme-warning",
        "Accueil / International / Asie": "pattern:breadcrumb",
        "International": "pattern:section-label",
        "Kim Jong Un arrive en Russie à bord de son train blindé": "repeated-title",
        "Par Jean Dupont, avec AFP": "byline",
        "Publié le 12 septembre 2023 à 08h12": "pattern:date-meta",
        "Temps de lecture : 3 min": "pattern:reading-time",
        "Partager": "pattern:share",
        "Facebook": "pattern:share",
        "Publicité": "pattern:ad",
        "À lire aussi": "pattern:read-also",
        "Corée du Nord : un nouveau tir de missile balistique": "pattern:read-also",
        "Laisser un commentaire": "pattern:comments",
        "Votre adresse e-mail ne sera pas publiée.": "pattern:comments",
        "Sur le même sujet": "pattern:related",
        "Ukraine : Kiev revendique une avancée près de Bakhmout": "trailing-teasers",
        "Guerre au Soudan : les combats reprennent à Khartoum": "trailing-teasers",
    }
    assert len(clean(cleaner, PAGE).removed_lines) == 18  # the title line twice


@pytest.mark.parametrize(("line", "reason"), [
    ("Warning: Undefined variable $post in /var/www/html/wp-content/themes/x/single.php on line 42",
     "pattern:php-warning"),
    ("Retour en haut de la page", "pattern:nav"),
    ("Accueil > Monde > Asie", "pattern:breadcrumb"),
    ("Vous pouvez vous désabonner à tout moment.", "pattern:newsletter"),
    ("Abonnez-vous", "pattern:newsletter"),
    ("Inscrivez-vous à notre newsletter", "pattern:newsletter"),
    ("Nous utilisons des cookies pour améliorer votre expérience de navigation.", "pattern:cookies"),
    ("Tout accepter", "pattern:cookies"),
    ("Kim Jong Un est arrivé en Russie pic.twitter.com/AbC123xyz", "social-embed"),
    ("Voir cette publication sur Instagram", "social-embed"),
    ("Lire aussi : Kim Jong Un attendu à Vladivostok", "pattern:read-also"),
    ("Photo : AFP", "pattern:image-credit"),
    ("© Reuters", "pattern:copyright"),
    ("-", "pattern:lone-symbol"),
    ("in", "pattern:lone-token"),
    ("Tags : Russie, Corée du Nord", "pattern:tags"),
    ("Mis à jour le 13/09/2023 à 15h02", "pattern:date-meta"),
    ("Temps de lecture : 3 min", "pattern:reading-time"),
])
def test_clean_removes_furniture_family(cleaner, line, reason):
    doc = clean(cleaner, "\n".join([BODY[0], line, BODY[1]]))
    assert reasons(doc) == {line: reason}
    assert doc.text == "\n".join([BODY[0], BODY[1]])


def test_clean_author_bio_after_body(cleaner):
    bio = "Journaliste au service International depuis 2015, elle couvre la péninsule coréenne."
    doc = clean(cleaner, "\n".join([BODY[0], BODY[1], bio]))
    assert reasons(doc) == {bio: "pattern:author-bio"}


def test_clean_embedded_tweet_block_removed_with_its_text(cleaner):
    tweet = "Le train de Kim Jong Un entre en gare de Khassan. #CoréeduNord"
    sig = "— Jean Reporter (@jreporter) September 13, 2023"
    doc = clean(cleaner, "\n".join([BODY[0], tweet, sig, BODY[1]]))
    assert reasons(doc) == {tweet: "social-embed", sig: "social-embed"}


@pytest.mark.parametrize(("line", "byline", "credit"), [
    ("Par Jean Dupont", "Jean Dupont", None),
    ("Jean Dupont, envoyé spécial à Séoul", "Jean Dupont, envoyé spécial à Séoul", None),
    ("Avec AFP", None, "AFP"),
    ("(AFP)", None, "AFP"),
    ("avec Reuters", None, "Reuters"),
    ("Hyung-Jin Kim, Associated Press", None, "Hyung-Jin Kim, Associated Press"),
    # a byline segment among other items of the line, with a date, or after "recueilli par"
    ("Accueil | Par Loïc Le Clerc | 30 septembre 2018", "Loïc Le Clerc", None),
    ("Par : Bastien Claverie| +Actu Pays Basque", "Bastien Claverie", None),
    ("Par Matthieu Hy le 07 Mai 2020", "Matthieu Hy", None),
    ("Ouest-France Recueilli par Patrick ANGEVIN. Publié le 02/11/2023 à 14h49", "Patrick ANGEVIN", None),
    ("Marie Merlet | lundi 9 décembre 2019 à 09h08", "Marie Merlet", None),
    ("Un documentaire de Kristen Falc'hon", "Kristen Falc'hon", None),
])
def test_clean_byline_and_credit_lines(cleaner, line, byline, credit):
    doc = clean(cleaner, "\n".join([BODY[0], BODY[1], line]))
    assert doc.byline == byline
    assert doc.credit == credit
    assert reasons(doc) == {line: "byline" if byline else "credit"}


def test_clean_byline_is_the_heads_and_later_author_lines_are_furniture(cleaner):
    # the bylines of teasers for other articles after the text are not the article's byline
    page = ["Le sommet de Vladivostok", "Par Jean Dupont", BODY[0], BODY[1], BODY[0].replace("Kim", "Il"),
            "Par Marie Durand", "Par Paul Martin"]
    doc = clean(cleaner, "\n".join(page))
    assert doc.byline == "Jean Dupont"
    assert reasons(doc)["Par Marie Durand"] == "other-byline"
    assert reasons(doc)["Par Paul Martin"] == "other-byline"


def test_clean_footnote_is_never_the_title(cleaner):
    lines = cleaner.classify("\n".join(["* trans : qui adoptent une identité de genre différente", BODY[0], BODY[1]]))
    assert [ln.role for ln in lines] == [None, None, None]


def test_clean_keeps_dateline_in_body(cleaner):
    first = "SÉOUL (AFP) - " + BODY[0]
    doc = clean(cleaner, "\n".join([first, BODY[1]]))
    assert doc.text.startswith("SÉOUL (AFP) - Le dirigeant")
    assert doc.removed_lines == []


def test_clean_keeps_short_real_sentence(cleaner):
    doc = clean(cleaner, "\n".join([BODY[0], "Le bilan est lourd.", BODY[1]]))
    assert "Le bilan est lourd." in doc.text.split("\n")
    assert doc.removed_lines == []


def test_clean_unseen_furniture_removed_by_features(cleaner):
    # none of these is in the lexicon: short, no sentence, link-like or repeated
    page = "\n".join(["Le Courrier du Littoral", "Nos régions Nos sports Nos loisirs",
                      BODY[0], BODY[1], BODY[3], "www.courrier-littoral.example/monde"])
    doc = clean(cleaner, page)
    assert doc.text == "\n".join([BODY[0], BODY[1], BODY[3]])
    assert reasons(doc)["www.courrier-littoral.example/monde"] == "feature:link-like"


def test_clean_metadata_title_and_repeats(cleaner):
    title = "Poutine reçoit Kim Jong Un au cosmodrome de Vostochny"
    doc = clean(cleaner, "\n".join([title, BODY[0], title + " | Le Journal", BODY[1]]), title=title)
    assert doc.title == title
    assert reasons(doc) == {title: "title", title + " | Le Journal": "repeated-title"}


def test_clean_html_extract_uses_only_high_precision_rules(cleaner):
    # a short title-like line would go in plain text; in a trafilatura extract it stays
    raw = RawDocument(source_path="p.html", text="\n".join([BODY[0], "Des missiles hypersoniques",
                                                            "Publicité", BODY[1]]), is_html_extract=True)
    doc = cleaner(new_document(raw))
    assert doc.text == "\n".join([BODY[0], "Des missiles hypersoniques", BODY[1]])
    assert reasons(doc) == {"Publicité": "pattern:ad"}


def test_clean_language_english(cleaner):
    text = ("North Korean leader Kim Jong Un arrived in Russia on Tuesday aboard his armoured train "
            "for talks with President Vladimir Putin, the Kremlin said.\nShare this article")
    doc = clean(cleaner, text)
    assert doc.language == "en"


def test_clean_empty_page_raises(cleaner):
    with pytest.raises(EmptyInputError, match=r"\[E103\] no article text left"):
        clean(cleaner, "Accueil > Monde > Asie\nPartager\nPublicité\n\n")


def test_clean_patterns_run_in_linear_time():
    lexicon = Lexicon.load("fr")
    attacks = ["a" * 5000, "a-" * 2500, "Par " + "Jean-" * 1200, "/ " * 2500, "Accueil " * 600,
               "— " + "x" * 3000 + " (@h) " + "1" * 2000, "warning: " + " " * 4000 + "x",
               "A " * 2500 + "!", "(photo" + " " * 4000, "Ab Cd " * 800 + "est"]
    for rule in lexicon.rules:
        if rule.regex is None:
            continue
        for text in attacks:
            t0 = time.perf_counter()
            rule.regex.search(text)  # uncapped on purpose: the cleaner caps at MAX_MATCH_CHARS
            assert time.perf_counter() - t0 < 0.05, (rule.regex.pattern, text[:20])
    assert MAX_MATCH_CHARS <= 1000


def test_clean_html_extract_drops_teasers_after_related_header(cleaner):
    raw = RawDocument(source_path="p.html", is_html_extract=True, text="\n".join(
        [BODY[0], BODY[1], "Les plus lus", "Ukraine : Kiev revendique une avancée près de Bakhmout",
         "Guerre au Soudan : les combats reprennent à Khartoum"]))
    doc = cleaner(new_document(raw))
    assert doc.text == "\n".join([BODY[0], BODY[1]])
    assert [r.reason for r in doc.removed_lines] == ["pattern:related", "trailing-teasers", "trailing-teasers"]


# --------------------------------------------------------------------------- the sample corpus

SAMPLE_EXPECTED = {
    # file: (title, language, a body line that must stay, a furniture line that must go)
    "01-gazette-de-l-est_kim-arrive-en-russie.txt": (
        "Kim Jong Un est arrivé en Russie à bord de son train blindé", "fr",
        "Une rencontre « dans les prochains jours »", "Sur le même sujet"),
    "02-info-continu_poutine-kim-vostochny.txt": (
        "Poutine et Kim Jong Un se rencontrent au cosmodrome de Vostochny", "fr",
        "Les entretiens, élargis aux délégations puis en tête-à-tête, ont duré plusieurs heures, selon le Kremlin.",
        "Info-Continu - Tous droits réservés"),
    "03-journal-du-centre_poutine-kim-vostochny.txt": (
        "Sommet Poutine-Kim : rencontre au cosmodrome de Vostochny, sous le regard inquiet de Washington", "fr",
        "Les entretiens, élargis aux délégations puis en tête-à-tête, ont duré plusieurs heures, selon le Kremlin.",
        "Connectez-vous pour commenter"),
    "04-canal-info-24_sommet-vladivostok.txt": (
        "Russie : Vladimir Poutine reçoit Kim Jong Un, les Occidentaux redoutent un marché d'armes", "fr",
        "Du matériel militaire au menu ?", "Cette vidéo n'est pas disponible"),
    "05-carnets-d-asie_armes-russie-coree.txt": (
        "Russie–Corée du Nord : que peut contenir le « marché » entre Poutine et Kim ?", "fr",
        "Ce que Pyongyang espère", "Analyse très claire, merci. Reste à savoir ce que la Chine en pense vraiment."),
    "07-messager-du-sud-ouest_choigou-missiles.txt": (
        "Kim Jong Un à Vladivostok : Sergueï Choïgou lui présente bombardiers et missiles hypersoniques", "fr",
        "Une coopération militaire à peine voilée",
        "Kim Jong Un et Sergueï Choïgou sur l'aérodrome de Knevitchi, le 16 septembre. © Ministère russe de la Défense"),
    "08-quotidien-des-alpes_fin-de-visite.txt": (
        "Kim Jong Un quitte la Russie : ce que l'on sait de sa visite", "fr",
        "Kim Jong Un est attendu mardi à Pyongyang.", "La rédaction vous recommande"),
    "09-toutelinfo_poutine-accepte-invitation.txt": (
        "Poutine accepte l'invitation de Kim Jong Un à se rendre en Corée du Nord", "fr",
        "Les deux dirigeants se sont rencontrés mercredi au cosmodrome de Vostochny, dans la région de l'Amour, "
        "pour des entretiens de plusieurs heures.", "Voir cette publication sur Instagram"),
    "10-pacific-ledger_putin-kim-cosmodrome.txt": (
        "Putin hosts Kim Jong Un at remote spaceport as West warns against arms deal", "en",
        "Kim arrived in Russia on Tuesday aboard his armoured train. The Kremlin has not disclosed how long he will stay.",
        "Sign up for our Asia newsletter"),
    "12-afrique-matin_coup-d-etat-niger.txt": (
        "Niger : des militaires annoncent avoir renversé le président Mohamed Bazoum", "fr",
        "Le président Bazoum refuse de démissionner", "Côte d'Ivoire : la CAN 2024 à six mois du coup d'envoi"),
    "13-radio-horizon-afrique_cedeao-ultimatum.txt": (
        "Coup d'État au Niger : la Cédéao fixe un ultimatum d'une semaine aux militaires", "fr",
        "Drapeaux russes et slogans hostiles à la France",
        "Cookies : en poursuivant votre navigation, vous acceptez l'utilisation de traceurs."),
    "14-messager-sahelien_embuscade-koutougou.txt": (
        "Niger : 17 soldats tués dans une embuscade près de la frontière burkinabè", "fr",
        "Le ministère affirme que « plus d'une centaine de terroristes » ont été « neutralisés » lors de leur repli, "
        "un bilan invérifiable de source indépendante.",
        "Journaliste basé à Niamey, correspondant du Messager depuis 2018."),
}


@pytest.fixture(scope="module")
def sample_docs(cleaner):
    from veille.api import SAMPLE_DIR
    from veille.config import Settings
    from veille.ingest import read_inputs

    paths = sorted(p for p in SAMPLE_DIR.rglob("*") if p.suffix in {".txt", ".html", ".jsonl"})
    return {raw.source_path.rsplit("/", 1)[-1]: cleaner(new_document(raw))
            for raw in read_inputs(paths, Settings())}


def test_clean_sample_corpus_every_document_cleans(sample_docs):
    assert len(sample_docs) == 18
    for name, doc in sample_docs.items():
        assert doc.title, name
        assert doc.language == ("en" if name.startswith("10-") else "fr"), name
        assert all(r.reason for r in doc.removed_lines), name


@pytest.mark.parametrize("name", sorted(SAMPLE_EXPECTED))
def test_clean_sample_corpus_page(sample_docs, name):
    title, language, body_line, furniture = SAMPLE_EXPECTED[name]
    doc = sample_docs[name]
    assert doc.title == title
    assert doc.language == language
    lines = doc.text.split("\n")
    assert body_line in lines
    assert furniture not in lines
    assert furniture in {r.line for r in doc.removed_lines}


def test_clean_sample_corpus_short_quote_sentence_kept(sample_docs):
    doc = sample_docs["15-sahel-depeches.jsonl:1"]
    assert doc.text.split("\n")[1].startswith("« Le bilan est lourd.")
    assert doc.byline == "Moussa Hamani"


def test_clean_page_date_line_gives_published_when_no_metadata(cleaner):
    page = "\n".join(["Mis à jour le 14/09/2023 à 10h00", "Publié le 13 septembre 2023 à 08h12", BODY[0], BODY[1]])
    doc = clean(cleaner, page)
    assert (doc.published.value, doc.published.precision, doc.published.method) == ("2023-09-13", "day", "metadata")
    assert reasons(doc) == {"Mis à jour le 14/09/2023 à 10h00": "pattern:date-meta",
                            "Publié le 13 septembre 2023 à 08h12": "pattern:date-meta"}


def test_clean_page_date_line_never_overrides_metadata(cleaner):
    doc = clean(cleaner, "\n".join(["12/09/2023 09:41", BODY[0]]), published="2023-09-11")
    assert doc.published.value == "2023-09-11"
    assert clean(cleaner, "\n".join([BODY[0], BODY[1]])).published.value is None


@pytest.mark.parametrize("stamp, published, byline", [
    ("Publié le 12 mars 2024 par Jean Dupont", "2024-03-12", "Jean Dupont"),
    ("Par Jean Dupont, le 12 mars 2024", "2024-03-12", "Jean Dupont"),
    ("Jean Dupont | 12/03/2024", "2024-03-12", "Jean Dupont"),
    ("Par Jean Dupont", None, "Jean Dupont"),
])
def test_clean_byline_date_gives_published_when_no_metadata(cleaner, stamp, published, byline):
    page = "\n".join(["Accueil", "International", "Le président nigérien renversé par l'armée", stamp,
                      BODY[0], BODY[1], BODY[3]])
    doc = clean(cleaner, page)
    assert (doc.published.value, doc.byline) == (published, byline)
    assert doc.published.method == ("metadata" if published else None)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120), max_size=25))
def test_clean_never_loses_a_line(cleaner, lines):
    text = "\n".join(lines)
    try:
        doc = clean(cleaner, text)
    except EmptyInputError:
        assert all(ln.removed for ln in cleaner.classify(text))
        return
    kept = doc.text.split("\n")
    assert all(line.strip() for line in kept)
    assert len(kept) + len(doc.removed_lines) == len(cleaner.classify(text))


@pytest.mark.parametrize("dateline", ["14 juin 2016 . –", "SÉOUL (AFP) -", "Mardi 12 septembre 2023, 8 h 30 —"])
def test_clean_keeps_a_dateline_cut_from_its_paragraph(cleaner, dateline):
    doc = clean(cleaner, "\n".join([dateline, BODY[0], BODY[1]]))
    assert doc.text.split("\n")[0] == dateline
    assert doc.removed_lines == []


def test_anchored_patterns_are_screened_together_only_when_every_branch_is_anchored():
    from veille.clean import _anchored

    assert [_anchored(p) for p in ("^abc", "^a|b", "a^", "^(?:a|b)c", r"^[|]x", r"^[]|]x", r"^\|x|y",
                                   r"^[^]|]x", r"^[^a]|x")] == [
        True, False, False, True, True, True, False, True, False]


def test_a_line_cut_in_mid_sentence_is_never_the_title():
    from veille.clean import Cleaner
    from veille.models import Document

    text = ("est plein d'éloges et recherche plus de coopération\n"
            "Kim Jong-un est arrivé mardi en Russie pour rencontrer Vladimir Poutine, a annoncé le Kremlin.\n"
            "Les deux dirigeants doivent parler de coopération militaire et d'économie selon les agences.")
    doc = Cleaner()(Document("a", "x", text, raw_text=text))
    assert doc.title is None


# --------------------------------------------------------------------------- real-page furniture (issue 19)


@pytest.mark.parametrize(("line", "reason"), [
    ("Retourner en haut de la page", "pattern:nav"),
    ("Le Carnet. Powered by WordPress and ThemeGrill.", "pattern:theme-notice"),
    ("Thème Simple. Fourni par Blogger.", "pattern:theme-notice"),
    ("Image illus\u00adtra\u00adtive : Lego par Brick, en licence Creative Commons by", "pattern:image-credit"),
    ("← Le budget de la recherche en baisse pour la troisième année", "pattern:nav"),
    ("Annonce · Sponsorisé", "pattern:ad"),
    ("Cliquez pour partager sur Twitter(ouvre dans une nouvelle fenêtre)", "pattern:share"),
])
def test_clean_removes_real_page_furniture_family(cleaner, line, reason):
    doc = clean(cleaner, "\n".join([BODY[0], line, BODY[1]]))
    assert reasons(doc) == {line: reason}
    assert doc.text == "\n".join([BODY[0], BODY[1]])


ARTICLE = [
    "La mairie a annoncé lundi la fermeture de la piscine municipale pour six mois de travaux, "
    "une décision qui inquiète les clubs de natation de la ville.",
    "Les nageurs devront se rendre dans les communes voisines, où les créneaux sont déjà rares, "
    "a reconnu l'adjoint aux sports lors du conseil municipal.",
    "Le chantier doit commencer début mars et coûtera près de quatre millions d'euros, "
    "selon les chiffres présentés aux élus de l'opposition.",
]


def test_clean_site_blurb_shown_twice_is_furniture(cleaner):
    blurb = ("Le Carnet est un site coopératif d'informations locales animé par des bénévoles "
             "qui publient librement leurs textes.")
    page = "\n".join([blurb, "Menu", "Fermeture de la piscine municipale", *ARTICLE, "Contact", blurb])
    doc = clean(cleaner, page)
    assert doc.text == "\n".join(ARTICLE)
    assert doc.title == "Fermeture de la piscine municipale"
    assert [r.reason for r in doc.removed_lines if r.line == blurb] == ["repeated-text", "repeated-text"]


def test_clean_summaries_of_other_articles_away_from_the_article(cleaner):
    teasers = [
        "Derniers articles de la rubrique « Société » :",
        "Le marché couvert rouvre ses portes",
        "Après deux ans de travaux, les commerçants retrouvent la halle du centre-ville, "
        "rénovée de fond en comble et désormais ouverte le dimanche matin.",
        "Une nouvelle ligne de bus vers la gare",
        "La ligne desservira les quartiers nord toutes les vingt minutes à partir du mois prochain, "
        "a indiqué la communauté d'agglomération dans un communiqué.",
    ]
    page = "\n".join(["Fermeture de la piscine municipale", *ARTICLE, "Partager", *teasers])
    doc = clean(cleaner, page)
    assert doc.text == "\n".join(ARTICLE)
    assert reasons(doc)[teasers[0]] == "pattern:related"


def test_clean_pull_quote_and_its_speaker_are_furniture(cleaner):
    body = [
        "Pour la sociologue, la fermeture révèle surtout un manque d'entretien : les bâtiments publics "
        "des années soixante-dix arrivent en fin de vie et personne ne les a budgétés à temps.",
        "Elle ajoute que les communes voisines connaissent les mêmes difficultés depuis plusieurs années.",
    ]
    page = "\n".join(["Fermeture de la piscine municipale", ARTICLE[0], body[0],
                      "Les bâtiments publics des années soixante-dix arrivent en fin de vie.",
                      "Claire Vasseur", body[1], ARTICLE[1]])
    doc = clean(cleaner, page)
    assert doc.text == "\n".join([ARTICLE[0], body[0], body[1], ARTICLE[1]])
    assert reasons(doc)["Claire Vasseur"] == "pull-quote"


def test_clean_keeps_sub_headings_and_list_items_inside_the_article(cleaner):
    page = "\n".join([
        "Fermeture de la piscine municipale", ARTICLE[0],
        "Des clubs inquiets", "Marie Lenoir", ARTICLE[1],
        "Le club demande à la mairie de prévoir, pendant toute la durée des travaux :",
        "des créneaux dans les piscines voisines", "un bus pour les enfants", "une aide aux licences",
        ARTICLE[2],
    ])
    doc = clean(cleaner, page)
    assert doc.text == "\n".join(page.split("\n")[1:])


def test_clean_facebook_embed_signature_removed_with_its_post(cleaner):
    post = "Appel aux dons pour la piscine https://www.example.org/dons"
    page = "\n".join(["Fermeture de la piscine municipale", ARTICLE[0], ARTICLE[1], post,
                      "Publiée par Ville de Saint-Anselme sur Jeudi 26 mars 2020", ARTICLE[2]])
    doc = clean(cleaner, page)
    assert doc.text == "\n".join(ARTICLE)
    assert reasons(doc)[post] == "social-embed"


def test_clean_line_model_scores_a_line_alone(cleaner):
    from veille.clean import Line

    model = cleaner.model
    nav = Line(0, "Accueil", "accueil", ["accueil"])
    prose = Line(1, "Le ministre a annoncé lundi la fin des négociations avec les syndicats du rail.",
                 "le ministre a annonce lundi la fin des negociations avec les syndicats du rail.",
                 ["le", "ministre", "a", "annonce", "lundi", "la", "fin", "des", "negociations", "avec", "les",
                  "syndicats", "du", "rail"])
    assert model.is_prose(prose) and not model.is_prose(nav)
    assert {k for k, v in model.features(nav, 1, 1, {}).items() if v} == {
        "bias", "short", "no_function_words", "outside_body", "head_nonsentence"}
    for ln in (nav, prose):
        model.score(ln, 1, 1, {})
        model.decide(ln)
    assert (nav.removed, nav.reason) == (True, "feature:short-nonsentence")
    assert (prose.removed, prose.reason) == (False, None)


def test_clean_function_words_are_matched_folded():
    # lines are tokenised folded ("été" -> "ete"): the list is folded the same way when loaded
    words = Lexicon.load().stopwords
    assert {"ete", "apres", "ou", "meme", "tres"} <= words
    assert not any(w != w.encode("ascii", "ignore").decode() for w in words)


MORE = [
    "Les associations sportives réclament depuis des années une rénovation complète du bassin, "
    "dont la toiture laisse passer la pluie en hiver.",
    "Le maire a promis une réouverture avant l'été prochain, sans préciser le calendrier des travaux "
    "ni le montant des aides attendues de la région.",
]
BOX = ["Newsletter", "Recevez l'essentiel de l'actualité locale", "Les dossiers de la rédaction",
       "Municipales : les listes déposées en préfecture", "Budget 2024 : ce qui change pour vous",
       "Transports : la grève du week-end en questions", "Culture : le festival d'été dévoile son affiche",
       "Météo : un week-end pluvieux sur la région", "Agenda des sorties", "Vidéos", "Podcasts", "Annonces"]


def test_clean_article_split_by_a_box_is_one_block(cleaner):
    # two runs of paragraphs with a box of twelve lines between them: one article, the box is not in it
    # (before: the longer run alone was the article, the other lost as prose away from it)
    page = "\n".join(["Menu", "Fermeture de la piscine municipale", ARTICLE[0], ARTICLE[1], *BOX,
                      ARTICLE[2], *MORE, "Mentions légales"])
    doc = clean(cleaner, page)
    assert doc.text == "\n".join([*ARTICLE, *MORE])
    assert doc.title == "Fermeture de la piscine municipale"
    assert all(line in reasons(doc) for line in BOX)


def test_clean_long_line_shown_twice_is_furniture(cleaner):
    caption = "Les nageurs du club municipal lors de la dernière compétition dans le grand bassin"
    page = "\n".join(["Fermeture de la piscine municipale", caption, "Voir en plein écran", caption,
                      *ARTICLE])
    doc = clean(cleaner, page)
    assert doc.text == "\n".join(ARTICLE)
    assert [r.reason for r in doc.removed_lines if r.line == caption] == ["repeated-text", "repeated-text"]


def test_clean_headline_stamped_by_a_date_line_under_it(cleaner):
    # a headline ending with "!" reads as prose and opens the main block; the date line under it
    # ("27 Sep 2016": an abbreviated month) makes it the headline
    headline = "Guinée : un braconnier d'éléphants interpellé et condamné à la peine maximale !"
    page = "\n".join(["Accueil", "Vidéos LAGA Cameroun", "Magazine « Wildlife Justice »", "Contact",
                      headline, "27 Sep 2016", *ARTICLE])
    doc = clean(cleaner, page)
    assert doc.title == headline
    assert doc.text == "\n".join(ARTICLE)
    assert reasons(doc)["27 Sep 2016"] == "pattern:date-meta"


def test_clean_article_starts_under_its_headline(cleaner):
    # the site's help text sits close above the article and joins its block: the headline (with its
    # date line) marks where the article starts
    help_text = ("Pour participer au site, il est nécessaire de se créer un compte qui donne accès "
                 "à l'interface privée du site.")
    page = "\n".join(["Comment publier ?", help_text, "Lire la suite", "Fermeture de la piscine municipale",
                      "Publié le 9 juin 2019", *ARTICLE])
    doc = clean(cleaner, page)
    assert doc.title == "Fermeture de la piscine municipale"
    assert doc.text == "\n".join(ARTICLE)


def test_clean_comment_thread_without_a_header_is_not_the_article(cleaner):
    # comments carry a date each; a run of dated items ends the article as a "comments" header would,
    # and their text (more words than the article) is not the article
    thread = []
    for name, day, text in [
        ("Marc Dubois", 3, "Encore une fermeture, alors que la ville vient de voter un budget record pour "
                           "le nouveau stade, on croit rêver, vraiment."),
        ("lebrec jacques", 4, "Les nageurs du dimanche matin seront les premiers pénalisés, comme d'habitude, "
                              "et personne à la mairie ne semble s'en soucier."),
        ("un citoyen", 5, "Il aurait fallu entretenir le bâtiment depuis vingt ans au lieu de repeindre la "
                          "façade avant chaque élection municipale."),
        ("Sophie L.", 6, "Mes enfants prenaient des cours le mercredi, nous allons devoir faire trente "
                         "kilomètres pour aller à la piscine la plus proche."),
    ]:
        thread += [f"{name} Le {day} mars 2020 à 12:57", text, "Répondre"]
    page = "\n".join(["Fermeture de la piscine municipale", *ARTICLE, *thread])
    doc = clean(cleaner, page)
    assert doc.text == "\n".join(ARTICLE)
    assert doc.title == "Fermeture de la piscine municipale"


def test_clean_teasers_each_with_its_date_after_the_article(cleaner):
    # teasers for other articles: a headline, a summary, a date, again and again
    teasers = []
    for day, head, summary in [
        (3, "Le marché couvert rouvre ses portes", "Après deux ans de travaux, les commerçants retrouvent "
            "la halle du centre-ville, rénovée de fond en comble et ouverte le dimanche."),
        (4, "Une nouvelle ligne de bus vers la gare", "La ligne desservira les quartiers nord toutes les vingt "
            "minutes à partir du mois prochain, a indiqué la communauté d'agglomération."),
        (5, "Le festival d'été dévoile son affiche", "Une trentaine de concerts sont annoncés sur les bords "
            "du lac, dont la moitié gratuits, du premier au quinze juillet prochain."),
    ]:
        teasers += [head, summary, f"{day} mars 2020"]
    page = "\n".join(["Fermeture de la piscine municipale", *ARTICLE, *teasers])
    doc = clean(cleaner, page)
    assert doc.text == "\n".join(ARTICLE)


BLURB = [
    "Notre association publie depuis dix ans des enquêtes indépendantes sur la vie locale, les luttes "
    "sociales et l'environnement, écrites par des bénévoles qui donnent de leur temps chaque semaine.",
    "Chacun peut proposer un texte : il suffit de créer un compte et de suivre la charte éditoriale, "
    "que l'équipe de modération relit avant toute publication sur le site, sans exception aucune.",
    "Le site ne vit que des dons de ses lecteurs et ne publie aucune publicité, ni ne revend les données "
    "de ses visiteurs à des tiers, quels qu'ils soient, depuis sa création en deux mille treize.",
]


MENU = ["Accueil", "Agenda des luttes et des rendez-vous", "Écologie et environnement", "Logement et urbanisme",
        "Travail, syndicats et précarité", "Migrations et frontières", "Féminismes et genre", "Répression et prisons",
        "Médias et contre-information", "Culture, radio et cinéma", "Contact et mentions légales"]


def test_clean_brief_under_a_stamped_headline_beats_a_longer_blurb(cleaner):
    # three short paragraphs under a headline and its date are the article, even when a site blurb
    # in the footer has more words
    page = "\n".join(["Fermeture de la piscine municipale", "Publié le 12/09/2023", *ARTICLE, "Partager", *MENU,
                      *(f"{m} : les archives" for m in MENU), "Qui sommes-nous ?", *BLURB])
    doc = clean(cleaner, page)
    assert doc.title == "Fermeture de la piscine municipale"
    assert doc.text == "\n".join(ARTICLE)


def test_clean_bio_and_newsletter_pitch_under_a_short_article(cleaner):
    # furniture written as sentences right under a short article: the author's bio (names the byline's
    # author) and a newsletter pitch (the site talking to its reader) share no words with the article
    page = "\n".join(["Fermeture de la piscine municipale", "Par Marie Dupont", *ARTICLE,
                      "Marie Dupont suit depuis 2015 les questions de logement et d'urbanisme pour le service "
                      "société, après dix ans passés en Bretagne.",
                      "Chaque semaine, recevez notre newsletter avec les enquêtes de la rédaction en vous "
                      "inscrivant gratuitement sur notre site.", "Partager"])
    doc = clean(cleaner, page)
    assert doc.byline == "Marie Dupont"
    assert doc.text == "\n".join(ARTICLE)
    assert reasons(doc)["Marie Dupont suit depuis 2015 les questions de logement et d'urbanisme pour le service "
                        "société, après dix ans passés en Bretagne."] == "trailing-prose"
    # (a weak lexicon hit keeps its name, the trailing-prose weight pushes it over)
    assert reasons(doc)["Chaque semaine, recevez notre newsletter avec les enquêtes de la rédaction en vous "
                        "inscrivant gratuitement sur notre site."] == "pattern:newsletter"


def test_clean_short_sentence_far_above_the_article(cleaner):
    # a site's tagline written as a short sentence in the page head is not article text
    page = "\n".join(["Radio Piscine", "Créatrice de podcasts depuis 2002.", *MENU[:6],
                      "Fermeture de la piscine municipale", *ARTICLE])
    doc = clean(cleaner, page)
    assert doc.text == "\n".join(ARTICLE)
    assert reasons(doc)["Créatrice de podcasts depuis 2002."] == "feature:prose-away"


@pytest.mark.parametrize(("head", "byline"), [
    # a name under a one-word label, after the chapo (a category line under the headline is no byline)
    (["Sports et loisirs", "La mairie ferme sa piscine pour six mois, et les clubs s'inquiètent pour "
      "leur saison entière, faute de bassin de remplacement.", "Auteur", "Claire Vasseur"], "Claire Vasseur"),
    # a name beside a date, whatever the date's format
    (["Claire Vasseur | 09.03.2020 à 9h08"], "Claire Vasseur"),
])
def test_clean_byline_in_the_article_head_by_its_shape(cleaner, head, byline):
    page = "\n".join(["Accueil", "Fermeture de la piscine municipale", *head, *ARTICLE, "Partager"])
    doc = clean(cleaner, page)
    assert doc.title == "Fermeture de la piscine municipale"
    assert doc.byline == byline
    assert doc.text == "\n".join([h for h in head if len(h.split()) > 10] + ARTICLE)


def test_clean_headline_ending_with_a_full_stop_under_its_stamp(cleaner):
    # some sites end headlines with a full stop: a short sentence a byline stamps is still the title
    page = "\n".join(["Accueil", "Sports", "La piscine municipale ferme pour six mois.", "Par Marie Dupont",
                      *ARTICLE, "Partager"])
    doc = clean(cleaner, page)
    assert doc.title == "La piscine municipale ferme pour six mois."
    assert doc.byline == "Marie Dupont"
    assert doc.text == "\n".join(ARTICLE)


@pytest.mark.parametrize(("line", "byline"), [
    ("Publié le 3 mars 2020 par Jean Dupont", "Jean Dupont"),
    ("Écrit par Jean Dupont | 3 mars 2020", "Jean Dupont"),
    ("Texte et photos : Jean Dupont", "Jean Dupont"),
    ("Par jdupont75", "jdupont75"),
])
def test_clean_byline_formats_of_blogs(cleaner, line, byline):
    doc = clean(cleaner, "\n".join(["Fermeture de la piscine municipale", line, *ARTICLE]))
    assert doc.byline == byline
    assert doc.text == "\n".join(ARTICLE)


def test_clean_headline_with_a_kicker_under_it_is_no_pull_quote(cleaner):
    # the headline's words come back in the lede and a name-like kicker follows it: still the title
    page = "\n".join(["Accueil", "Fermeture de la piscine municipale", "Vie Locale", *ARTICLE, "Partager"])
    doc = clean(cleaner, page)
    assert doc.title == "Fermeture de la piscine municipale"
    assert doc.text == "\n".join(ARTICLE)


def test_clean_arrow_link_to_another_article_inside_the_text(cleaner):
    link = ">> Piscines : la carte des fermetures dans la région"
    doc = clean(cleaner, "\n".join(["Fermeture de la piscine municipale", ARTICLE[0], ARTICLE[1], link, ARTICLE[2]]))
    assert reasons(doc) == {"Fermeture de la piscine municipale": "title", link: "pattern:read-also"}
    assert doc.text == "\n".join(ARTICLE)


def test_clean_label_written_twice_on_one_line(cleaner):
    doc = clean(cleaner, "\n".join(["Où nous écouter ? Où nous écouter ?", "Fermeture de la piscine municipale",
                                    *ARTICLE]))
    assert reasons(doc)["Où nous écouter ? Où nous écouter ?"] == "repeated-text"
    assert doc.text == "\n".join(ARTICLE)


def test_clean_text_ending_with_its_block_keeps_its_last_paragraph(cleaner):
    # a clean article (no page around it) may end with a sentence that talks of a site and its readers
    last = ("Les lecteurs peuvent consulter le site de la mairie, où les nouveaux horaires et les "
            "inscriptions aux cours de natation seront publiés dès la semaine prochaine.")
    doc = clean(cleaner, "\n".join(["Fermeture de la piscine municipale", "Par Marie Dupont", *ARTICLE, last]))
    assert doc.text == "\n".join([*ARTICLE, last])
