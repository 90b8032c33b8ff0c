"""Build the boilerplate dev set: real Wikinews article texts wrapped in web furniture.

Run from the repository root:  python eval/boilerplate/build.py /work/shared/corpora

For each selected article it writes `pages/NN-<template>.txt` (the page as a scraper would
bring it back as plain text) and `pages/NN-<template>.labels` (one line per non-blank page
line: `<label>\t<family>`, label in keep | remove | title | byline | credit). The article texts
come from Wikinews (CC BY 2.5) through the corpora listed in README.md; the furniture (site
names, menus, teasers, ads, comments, bios…) is invented and varies by "site template".
The output is deterministic (fixed seed), so the committed files can be rebuilt exactly.
"""

from __future__ import annotations

import html
import random
import re
import sys
from pathlib import Path

WIKINEWS_2012 = ["43971", "44046", "44269", "44290", "44337", "44374", "44510", "44532", "44545",
                 "44551", "44568", "44231"]
WINER = ["2016/01/2016_01_01-002", "2016/02/2016_02_15-002", "2016/03/2016_03_08-002",
         "2016/06/2016_06_12-012", "2016/08/2016_08_06-007", "2016/09/2016_09_21-001",
         "2016/10/2016_10_13-001", "2016/11/2016_11_30-001", "2016/12/2016_12_17-005",
         "2017/01/2017_01_08-004", "2017/01/2017_01_20-004", "2017/01/2017_01_28-005",
         "2017/03/2017_03_30-001", "2017/04/2017_04_04-001", "2017/04/2017_04_08-005"]

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]

NAMES = ["Claire Dubreuil", "Mathieu Lefort", "Nadia Benali", "Pierre-Yves Castel", "Sophie Marchetti",
         "Julien Roussel", "Aïcha Traoré", "Laurent Mercadier", "Camille Fontaine", "Hugo Bertrand",
         "Élodie Garnier", "Thomas Keller", "Inès Haddad", "Vincent Le Goff", "Marion Delattre"]

# headlines for teaser blocks (invented, varied subjects)
TEASERS = [
    "Municipales : la liste d'union dévoile son programme pour le centre-ville",
    "Football : le club local s'incline à domicile face au leader",
    "Intempéries : trois départements placés en vigilance orange",
    "Réforme des retraites : ce qui change au 1er janvier",
    "Un incendie détruit un hangar agricole, aucun blessé",
    "Prix de l'immobilier : les grandes villes marquent le pas",
    "Festival d'été : la programmation enfin dévoilée",
    "Santé : l'hôpital recrute des infirmiers de nuit",
    "Tour de France : l'étape de montagne qui fait peur aux favoris",
    "Le chantier du nouveau pont prendra six mois de retard",
    "Élection présidentielle : les sondages se resserrent",
    "Carburants : les prix repartent à la hausse",
    "Justice : le procès renvoyé à l'automne",
    "Éducation : la carte scolaire fait débat",
    "Climat : un été record en Europe du Sud",
    "Transport : grève annoncée sur le réseau de bus",
    "Ligue des champions : le tirage au sort des poules",
    "Une baleine observée au large des côtes bretonnes",
    "Vendanges : une récolte précoce mais de qualité",
    "Cinéma : le film événement de la rentrée déçoit",
]


def fr_date(y: int, m: int, d: int) -> str:
    return f"{'1er' if d == 1 else d} {MONTHS[m - 1]} {y}"


# --------------------------------------------------------------------------- sources


def load_wikinews_2012(root: Path, doc_id: str) -> dict:
    raw = (root / "wikinews-fr-2012" / "documents" / f"{doc_id}.html").read_text(encoding="utf-8")
    title = html.unescape(re.search(r"<h1>(.*?)</h1>", raw, re.S).group(1).strip())
    lede_m = re.search(r"<h2>(.*?)</h2>", raw, re.S)
    lede = html.unescape(re.sub(r"<[^>]+>", "", lede_m.group(1)).strip()) if lede_m else None
    paras = [html.unescape(re.sub(r"<[^>]+>", "", p)).replace("\u00ad", "").strip()
             for p in re.findall(r"<p>(.*?)</p>", raw, re.S)]
    paras = [re.sub(r"\s+", " ", p) for p in paras if p]
    m = re.match(r"(\d{1,2})(?:er)? (\w+) (\d{4})", paras[0])
    y, mo, d = int(m.group(3)), MONTHS.index(m.group(2)) + 1, int(m.group(1))
    return {"id": f"wikinews-2012/{doc_id}", "title": title, "lede": lede, "paras": paras, "date": (y, mo, d)}


def load_winer(root: Path, rel: str) -> dict:
    lines = (root / "wikinews-fr-ner" / f"{rel}.txt").read_text(encoding="utf-8").split("\n")
    title = lines[0].strip()
    paras = [line.strip() for line in lines[1:] if line.strip()]
    # WiNER keeps tokenisation spaces before punctuation: give the text back its usual form
    paras = [re.sub(r" ([,.)])", r"\1", re.sub(r"\( ", "(", p)).replace("1 er ", "1er ") for p in paras]
    merged: list[str] = []
    for p in paras:  # a date line alone becomes the dateline of the paragraph after it
        if merged and len(merged[-1]) < 40 and merged[-1].rstrip().endswith("–"):
            merged[-1] = merged[-1] + " " + p
        else:
            merged.append(p)
    paras = merged
    y, mo, d = (int(x) for x in re.search(r"(\d{4})_(\d{2})_(\d{2})", rel).groups())
    return {"id": f"winer/{rel}", "title": title, "lede": None, "paras": paras, "date": (y, mo, d)}


# --------------------------------------------------------------------------- helpers


class Page:
    def __init__(self) -> None:
        self.lines: list[tuple[str, str, str]] = []

    def add(self, text: str, label: str = "remove", family: str = "-") -> None:
        self.lines.append((text, label, family))

    def rm(self, family: str, *texts: str) -> None:
        for t in texts:
            self.add(t, "remove", family)


def body(page: Page, art: dict, rng: random.Random, inline) -> None:
    """The article text (kept), with inline furniture from `inline(page, rng)` between paragraphs."""
    if art["lede"]:
        page.add(art["lede"], "keep", "lede")
    paras = art["paras"]
    slots = rng.sample(range(1, len(paras)), k=min(len(paras) - 1, rng.randint(1, 2))) if len(paras) > 1 else []
    for i, p in enumerate(paras):
        if i in slots:
            inline(page, rng)
        if p.startswith("Page actualisée"):
            page.add(p, "remove", "update-notice")  # Wikinews's own "page updated" notice
        elif len(p.split()) <= 8 and re.search(r", \d{1,2}(?:er)? \w+ \d{4}\.$", p):
            page.add(p, "remove", "caption")  # an image caption left in the text ("Aviation Russe, 22 octobre 2015.")
        else:
            page.add(p, "keep", "body")


def teasers(rng: random.Random, k: int) -> list[str]:
    return rng.sample(TEASERS, k)


def pub_line(rng: random.Random, date: tuple[int, int, int]) -> str:
    y, m, d = date
    h, mi = rng.randint(6, 22), rng.randint(0, 59)
    return rng.choice([
        f"Publié le {d:02d}/{m:02d}/{y} à {h:02d}h{mi:02d}",
        f"Publié le {fr_date(y, m, d)} à {h}h{mi:02d}",
        f"{d:02d}/{m:02d}/{y} {h:02d}:{mi:02d}",
        f"Le {fr_date(y, m, d)} à {h:02d}:{mi:02d}",
        f"Mis à jour le {d:02d}/{m:02d}/{y} à {h:02d}h{mi:02d}",
    ])


# --------------------------------------------------------------------------- site templates


def regional_daily(art: dict, rng: random.Random) -> Page:
    site = rng.choice(["L'Écho des Vallées", "Le Petit Courrier normand", "La Voix du Bocage"])
    city = rng.choice(["Tarbes", "Lisieux", "Cholet"])
    p = Page()
    p.rm("site-name", site)
    p.rm("edition", f"Édition de {city} | Changer d'édition")
    p.rm("weather", f"{city} {rng.randint(4, 28)}°C")
    p.rm("login", "Se connecter", "S'abonner : 1 € le premier mois")
    p.rm("nav", "Actu", "Sports", "Loisirs", "Annonces", "Avis de décès")
    p.rm("breadcrumb", rng.choice(["Accueil > Monde", "Accueil › France › Société", "Accueil / Actualité / Monde"]))
    p.add(art["title"], "title", "title")
    p.add(f"Par {rng.choice(NAMES)}", "byline", "byline")
    p.rm("date", pub_line(rng, art["date"]))
    p.rm("share", "Partager", "Facebook", "Twitter", "Envoyer")

    def inline(page: Page, r: random.Random) -> None:
        page.rm(*r.choice([("ad", "Publicité"),
                           ("read-also", f"À lire aussi : {r.choice(TEASERS)}"),
                           ("ad", "Contenu proposé par nos annonceurs"),
                           ("caption", f"Illustration. (Photo d'archives {site})")]))

    body(p, art, rng, inline)
    if rng.random() < 0.5:
        p.add("Avec AFP", "credit", "credit")
    p.rm("tags", "Mots-clés : " + ", ".join(rng.sample(["Monde", "Politique", "Faits divers", "Santé",
                                                        "International", "Société"], 3)))
    p.rm("related", "Vous aimerez aussi", *teasers(rng, 3))
    p.rm("services", "Nos services", "Jeux - Mots fléchés", "Horoscope", "Le journal numérique")
    p.rm("footer", f"© {site} - {art['date'][0]}", "Plan du site", "Nous contacter")
    return p


def wire_site(art: dict, rng: random.Random) -> Page:
    y, m, d = art["date"]
    p = Page()
    p.rm("site-name", rng.choice(["DÉPÊCHES MONDE", "Fil Info Express", "L'Agence en continu"]))
    p.rm("nav", "Toutes les dépêches", "International", "France", "Économie")
    p.rm("ticker", f"EN CONTINU | {rng.choice(TEASERS)}")
    p.add(art["title"], "title", "title")
    p.rm("date", f"{d:02d}/{m:02d}/{y} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} GMT")

    def inline(page: Page, r: random.Random) -> None:
        page.rm("ad", r.choice(["-- Publicité --", "Annonce"]))

    body(p, art, rng, inline)
    p.add(rng.choice(["(AFP)", "(Reuters)", "Avec Reuters"]), "credit", "credit")
    p.rm("wire-meta", f"rb/{rng.choice(['jld', 'mcj', 'fz'])}/{rng.choice(['bds', 'ob'])}")
    p.rm("related", "Dépêches précédentes")
    for t in teasers(rng, 4):
        p.rm("related", f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} – {t}")
    p.rm("nav", "Haut de page")
    return p


def wordpress_blog(art: dict, rng: random.Random) -> Page:
    y, m, d = art["date"]
    author = rng.choice(["admin", "jmarchal", "La Plume libre", "redac"])
    p = Page()
    p.rm("theme-warning", rng.choice([
        "This theme requires WordPress 5.0 or later.",
        "Notice: Trying to access array offset on value of type bool in /home/blog/public_html/wp-includes/formatting.php on line 3021",
    ]))
    p.rm("site-name", rng.choice(["Le Blog de l'actu", "Regards citoyens 2.0", "Chroniques d'ailleurs"]))
    p.rm("slogan", rng.choice(["Un autre regard sur l'actualité", "L'info décryptée, sans filtre"]))
    p.rm("nav", "Accueil", "Qui suis-je ?", "Contact")
    p.add(art["title"], "title", "title")
    p.rm("post-meta", rng.choice([f"Posted on {EN_MONTHS[m - 1]} {d}, {y} by {author}",
                                  f"Publié le {fr_date(y, m, d)} par {author}"]))
    p.rm("post-meta", rng.choice(["Catégorie : International", "Classé dans : Actualité, Monde"]))

    def inline(page: Page, r: random.Random) -> None:
        page.rm("embed", r.choice(["[Embedded content]", "[caption id=\"attachment_214\" align=\"aligncenter\" width=\"640\"]"]))

    body(p, art, rng, inline)
    p.rm("share", "Partager :", "Cliquez pour partager sur Twitter(ouvre dans une nouvelle fenêtre)",
         "Cliquez pour partager sur Facebook(ouvre dans une nouvelle fenêtre)")
    p.rm("like", "J'aime ça :", "J'aime chargement…")
    p.rm("comments", rng.choice(["Pas encore de commentaire.", "Un commentaire"]), "Laisser un commentaire",
         "Annuler la réponse",
         "Votre adresse de messagerie ne sera pas publiée. Les champs obligatoires sont indiqués avec *")
    p.rm("sidebar", "Articles récents", *teasers(rng, 3))
    p.rm("sidebar", "Archives", f"{MONTHS[m - 1]} {y}", f"{MONTHS[m - 2]} {y}")
    p.rm("sidebar", "Méta", "Connexion", "Flux des publications", "Flux des commentaires", "Site de WordPress-FR")
    p.rm("footer", "Fièrement propulsé par WordPress")
    return p


def tv_site(art: dict, rng: random.Random) -> Page:
    y, m, d = art["date"]
    chan = rng.choice(["TéléInfo 3", "Canal Régions", "France Écrans"])
    p = Page()
    p.rm("site-name", chan)
    p.rm("nav", "EN DIRECT", "Replay", "Programme TV", "JT")
    p.rm("video", "Regarder la vidéo", f"00:00 / 0{rng.randint(1, 4)}:{rng.randint(10, 59)}")
    p.rm("video", rng.choice(["Le JT de 20h du " + fr_date(y, m, d), "Reportage de la rédaction"]))
    p.add(art["title"] if rng.random() < 0.5 else f"VIDÉO. {art['title']}", "title", "title")
    p.add(rng.choice([f"{chan} avec agences", f"La rédaction de {chan}", f"{rng.choice(NAMES)} - {chan}"]),
          "byline", "byline")
    p.rm("date", pub_line(rng, art["date"]))

    def inline(page: Page, r: random.Random) -> None:
        page.rm(*r.choice([("video", "Ce contenu n'est pas disponible"),
                           ("ad", "PUBLICITÉ"),
                           ("read-also", "VOIR AUSSI")]))

    body(p, art, rng, inline)
    p.rm("share", "Partager sur :", "Facebook", "X", "Copier le lien")
    p.rm("related", "Nos derniers reportages", *teasers(rng, 2))
    p.rm("promo", f"Ce soir sur {chan} : le magazine de la rédaction à 21h10")
    p.rm("footer", f"{chan} © {y}", "Accessibilité : partiellement conforme")
    return p


def aggregator(art: dict, rng: random.Random) -> Page:
    src = rng.choice(["Le Journal Régional", "InfoPlus", "Nouvelles du Monde"])
    p = Page()
    p.rm("site-name", rng.choice(["NewsMix", "Actuagrégée", "Toute l'info"]))
    p.rm("search", "Rechercher dans l'actualité…")
    p.rm("sort", "Trier par : Pertinence | Date")
    p.add(art["title"], "title", "title")
    p.rm("source", f"{src} · il y a {rng.randint(2, 9)} heures")

    def inline(page: Page, r: random.Random) -> None:
        page.rm("ad", "Annonce · Sponsorisé")

    body(p, art, rng, inline)
    p.rm("source", f"Lire l'article complet sur {src}")
    p.rm("actions", "Signaler", "Enregistrer", "Masquer cette source")
    p.rm("related", "Articles similaires", *teasers(rng, 3))
    p.rm("related", "Voir plus d'articles")
    p.rm("footer", "À propos · Confidentialité · Conditions")
    return p


def national_paywall(art: dict, rng: random.Random) -> Page:
    p = Page()
    p.rm("site-name", rng.choice(["Le Quotidien national", "L'Observateur du soir"]))
    p.rm("nav", "Édition du jour", "Le Kiosque", "Mon espace abonné")
    p.rm("section", rng.choice(["International", "Planète", "Politique"]))
    p.rm("paywall", "Article réservé aux abonnés")
    p.add(art["title"], "title", "title")
    name = rng.choice(NAMES)
    p.add(rng.choice([f"Par {name}", f"{name}, correspondant à Bruxelles", f"{name}, envoyée spéciale"]),
          "byline", "byline")
    p.rm("date", pub_line(rng, art["date"]))
    p.rm("toolbar", f"Écouter cet article ({rng.randint(2, 6)} min)", "Offrir cet article", "Ajouter à vos sélections")

    def inline(page: Page, r: random.Random) -> None:
        page.rm(*r.choice([("read-also", f"Lire aussi | {r.choice(TEASERS)}"),
                           ("newsletter", "Newsletter « La Matinale » Chaque matin, l'essentiel de l'actualité"),
                           ("ad", "La suite après la publicité")]))

    body(p, art, rng, inline)
    p.rm("paywall", "Il vous reste 0 % de cet article à lire. La suite est réservée aux abonnés.")
    p.rm("bio", f"{name} est journaliste au service International depuis 2009.")
    p.rm("most-read", "Les plus lus")
    for i, t in enumerate(teasers(rng, 3), 1):
        p.rm("most-read", f"{i}. {t}")
    p.rm("footer", "Le Quotidien national est édité par la Société éditrice du Quotidien")
    return p


def radio_site(art: dict, rng: random.Random) -> Page:
    radio = rng.choice(["Radio Horizons", "Ondes Info", "RVI - Radio Voix Internationale"])
    p = Page()
    p.rm("site-name", radio)
    p.rm("nav", "Écouter le direct", "Podcasts", "Grilles des programmes")
    p.add(art["title"], "title", "title")
    p.rm("date", pub_line(rng, art["date"]))
    p.rm("audio", rng.choice(["Réécouter l'émission (12 min)", "Écouter - 03:27", "▶ Écouter le reportage"]))

    def inline(page: Page, r: random.Random) -> None:
        page.rm("audio", f"Podcast · {r.randint(5, 40)} min")

    body(p, art, rng, inline)
    p.add(rng.choice([f"{rng.choice(NAMES)}, avec l'AFP", f"Avec notre correspondant à Berlin, {rng.choice(NAMES)}"]),
          "byline", "byline")
    p.rm("chronique", "Chroniques", *teasers(rng, 2))
    p.rm("footer", "Fréquences", "Recrutement", f"{radio} – Tous droits réservés")
    return p


def mobile_scrape(art: dict, rng: random.Random) -> Page:
    p = Page()
    p.rm("nav", "☰", "Menu", rng.choice(["Actu.net mobile", "InfoMobile"]), "×", "Fermer la publicité")
    p.rm("nav", "Accueil", "Actu", "Vidéos", "›")
    p.add(art["title"], "title", "title")
    p.rm("date", f"il y a {rng.randint(2, 50)} min")

    def inline(page: Page, r: random.Random) -> None:
        page.rm(*r.choice([("ad", "Publicité"), ("nav", "Voir la version complète"), ("symbol", "•")]))

    body(p, art, rng, inline)
    p.rm("nav", "Retour", "Haut de page", "Version classique")
    p.rm("footer", "© Actu.net", "CGU")
    return p


def social_portal(art: dict, rng: random.Random) -> Page:
    y, m, d = art["date"]
    p = Page()
    p.rm("site-name", rng.choice(["Le Fil Citoyen", "Info Réseaux", "Le Mag des Régions"]))
    p.rm("breadcrumb", "Accueil » Actualité » Monde")
    p.add(art["title"], "title", "title")
    p.add(f"Par {rng.choice(NAMES)}", "byline", "byline")
    p.rm("date", f"{d:02d}.{m:02d}.{y}")
    handle = rng.choice(["infoflash_fr", "LaRedacLive", "journal_monde"])
    state = {"n": 0}

    def inline(page: Page, r: random.Random) -> None:
        state["n"] += 1
        if state["n"] == 1:
            page.rm("social-embed", f"Les dernières informations sur {art['title'].split(':')[0].strip()} #direct",
                    f"— Info Flash (@{handle}) {EN_MONTHS[m - 1]} {d}, {y}")
        else:
            page.rm("social-embed", f"Publié par {r.choice(NAMES)} sur {fr_date(y, m, d)}",
                    "Voir cette publication sur Facebook")

    body(p, art, rng, inline)
    p.rm("social-follow", "Suivez-nous sur Instagram et TikTok !")
    p.rm("comments", f"{rng.randint(2, 40)} commentaires", "Connectez-vous pour réagir")
    p.rm("footer", "Le Fil Citoyen - Tous droits réservés")
    return p


def magazine(art: dict, rng: random.Random) -> Page:
    p = Page()
    p.rm("site-name", rng.choice(["L'Hebdo du Monde", "Regards Magazine"]))
    p.rm("nav", "Dossiers", "Le magazine", "Commander ce numéro")
    p.rm("dossier", f"Dossier : {art['title'].split(':')[0].strip()}")
    p.add(art["title"], "title", "title")
    name = rng.choice(NAMES)
    p.add(name, "byline", "byline")
    p.rm("reading-time", f"{rng.randint(3, 9)} minutes de lecture")

    def inline(page: Page, r: random.Random) -> None:
        page.rm("caption", f"Photo : {r.choice(NAMES)} / Agence Regards")

    body(p, art, rng, inline)
    p.rm("issue", f"Cet article est paru dans le numéro {rng.randint(100, 999)} de L'Hebdo du Monde.")
    p.rm("bio", f"À propos de l'auteur : {name} couvre l'actualité internationale pour le magazine.")
    p.rm("related", "Dans le même dossier", *teasers(rng, 2))
    p.rm("footer", "Abonnez-vous dès 3 € par mois")
    return p


TEMPLATES = [regional_daily, wire_site, wordpress_blog, tv_site, aggregator, national_paywall,
             radio_site, mobile_scrape, social_portal, magazine]


def main(corpora: Path, out: Path) -> None:
    arts = [load_wikinews_2012(corpora, d) for d in WIKINEWS_2012] + [load_winer(corpora, r) for r in WINER]
    pages = out / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    for old in pages.glob("*"):
        old.unlink()
    sources = []
    for n, art in enumerate(arts, 1):
        tpl = TEMPLATES[(n - 1) % len(TEMPLATES)]
        rng = random.Random(1000 + n)
        page = tpl(art, rng)
        stem = f"{n:02d}-{tpl.__name__.replace('_', '-')}"
        (pages / f"{stem}.txt").write_text("\n".join(t for t, _, _ in page.lines) + "\n", encoding="utf-8")
        (pages / f"{stem}.labels").write_text("".join(f"{lab}\t{fam}\n" for _, lab, fam in page.lines),
                                              encoding="utf-8")
        sources.append(f"| {stem} | {art['id']} | {art['title']} |")
    (out / "SOURCES.md").write_text(
        "# Sources of the article texts (Wikinews, CC BY 2.5)\n\n| page | source | title |\n|---|---|---|\n"
        + "\n".join(sources) + "\n", encoding="utf-8")




# --------------------------------------------------------------------------- held-out templates
# Written after the classifier's weights and lexicon were frozen on the templates above; their
# pages go to heldout/ and measure how the classifier does on site layouts it was never tuned on.

HELDOUT_WINER = ["2016/01/2016_01_18-001", "2016/10/2016_10_17-003", "2016/10/2016_10_25-003",
                 "2016/11/2016_11_14-003", "2017/01/2017_01_25-004", "2017/02/2017_02_01-004",
                 "2017/02/2017_02_10-001", "2017/03/2017_03_23-004", "2017/04/2017_04_16-007",
                 "2017/11/2017_11_16-001"]


def business_daily(art: dict, rng: random.Random) -> Page:
    p = Page()
    p.rm("site-name", "Les Nouvelles Économiques")
    p.rm("ticker", f"CAC 40 {rng.randint(4000, 5500)},{rng.randint(10, 99)} +0,{rng.randint(10, 99)} %",
         f"Euro/Dollar 1,{rng.randint(10, 20)}{rng.randint(0, 9)} -0,{rng.randint(1, 9)}2 %")
    p.rm("nav", "Marchés", "Entreprises", "Patrimoine", "Tech-Médias")
    p.add(art["title"], "title", "title")
    p.add(f"{rng.choice(NAMES)}", "byline", "byline")
    p.rm("date", pub_line(rng, art["date"]))
    p.rm("reading-time", f"Lecture {rng.randint(2, 7)} min.")

    def inline(page: Page, r: random.Random) -> None:
        page.rm(*r.choice([("newsletter", "Les Matins de l'Éco : recevez notre sélection chaque jour à 7 heures."),
                           ("read-also", f"LIRE AUSSI : {r.choice(TEASERS)}")]))

    body(p, art, rng, inline)
    p.rm("companies", "Entreprises citées", rng.choice(["Air Liquide", "Orange", "Danone"]))
    p.rm("nav", "Article suivant ›", rng.choice(TEASERS))
    p.rm("footer", "Les Nouvelles Économiques - Groupe NE Médias")
    return p


def belgian_portal(art: dict, rng: random.Random) -> Page:
    y, m, d = art["date"]
    p = Page()
    p.rm("site-name", rng.choice(["InfoWallonie.be", "Le Matin de Liège"]))
    p.rm("breadcrumb", "Vous êtes ici : Accueil » Info » Monde")
    p.add(art["title"], "title", "title")
    p.rm("post-meta", f"Écrit par {rng.choice(NAMES)} le {d:02d}/{m:02d}/{y} à {rng.randint(8, 20)}:{rng.randint(10, 59)}")
    p.rm("stats", f"Lu {rng.randint(1, 9)} {rng.randint(100, 999)} fois")

    def inline(page: Page, r: random.Random) -> None:
        page.rm("gallery", f"Galerie photos ({r.randint(4, 20)})")

    body(p, art, rng, inline)
    p.add("Belga", "credit", "credit")
    p.rm("rating", f"Note : {rng.randint(2, 5)}/5 ({rng.randint(3, 60)} votes)")
    p.rm("share", "Partagez sur Facebook", "Partagez sur Twitter")
    p.rm("related", "Les Grands Dossiers", *teasers(rng, 2))
    p.rm("footer", "Éditeur responsable : ASBL InfoWallonie")
    return p


def press_release(art: dict, rng: random.Random) -> Page:
    p = Page()
    p.rm("label", "COMMUNIQUÉ DE PRESSE")
    p.rm("download", "Télécharger le communiqué (PDF, 120 Ko)")
    p.add(art["title"], "title", "title")
    body(p, art, rng, lambda page, r: None)
    p.rm("end-mark", "###")
    p.rm("about", "À propos de l'Observatoire : créé en 1998, l'Observatoire publie chaque année un rapport indépendant.")
    p.rm("contact", f"Contact presse : {rng.choice(NAMES)} – 01 {rng.randint(40, 49)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} – presse@observatoire.example")
    return p


def live_blog(art: dict, rng: random.Random) -> Page:
    p = Page()
    p.rm("site-name", "Actu Direct")
    p.rm("live", "DIRECT", "Actualiser")
    p.add(art["title"], "title", "title")
    times = sorted((rng.randint(8, 20), rng.randint(0, 59)) for _ in art["paras"])

    def inline(page: Page, r: random.Random) -> None:
        page.rm("live", "Nouveau post")

    page = p
    if art["lede"]:
        page.add(art["lede"], "keep", "lede")
    for (h, mi), para in zip(reversed(times), art["paras"], strict=True):
        page.rm("timestamp", f"{h:02d}:{mi:02d}")
        page.add(para, "keep", "body")
    p.rm("live", "Le direct est terminé. Merci de l'avoir suivi.")
    p.rm("footer", "Actu Direct - Mentions légales - Cookies")
    return p


def print_version(art: dict, rng: random.Random) -> Page:
    y, m, d = art["date"]
    p = Page()
    p.rm("print", "Version imprimable", "Imprimer cette page")
    p.add(art["title"], "title", "title")
    p.rm("date", f"Date de parution : {fr_date(y, m, d)}")
    body(p, art, rng, lambda page, r: None)
    p.rm("url", f"URL : https://www.gazette-du-centre.example/{y}/{m:02d}/{d:02d}/article-{rng.randint(1000, 9999)}.html")
    p.rm("source", "Cet article provient du site de La Gazette du Centre.")
    return p


def african_portal(art: dict, rng: random.Random) -> Page:
    y, m, d = art["date"]
    p = Page()
    p.rm("site-name", "Abidjan Actu")
    p.rm("promo", "Rejoignez notre chaîne WhatsApp pour ne rien rater !")
    p.add(art["title"], "title", "title")
    p.rm("post-meta", f"Publié le {d:02d}/{m:02d}/{y} | Lu {rng.randint(100, 999)} fois")

    def inline(page: Page, r: random.Random) -> None:
        page.rm("ad", "ANNONCE")

    body(p, art, rng, inline)
    p.add(f"{rng.choice(NAMES)} / Abidjan Actu", "byline", "byline")
    p.rm("comments", "Commentaires Facebook", "Les plus commentés", *teasers(rng, 2))
    return p


HELDOUT_TEMPLATES = [business_daily, belgian_portal, press_release, live_blog, print_version, african_portal]


def main_heldout(corpora: Path, out: Path) -> None:
    arts = [load_winer(corpora, r) for r in HELDOUT_WINER]
    folder = out / "heldout"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*"):
        old.unlink()
    sources = []
    for n, art in enumerate(arts, 101):
        tpl = HELDOUT_TEMPLATES[(n - 101) % len(HELDOUT_TEMPLATES)]
        page = tpl(art, random.Random(5000 + n))
        stem = f"{n}-{tpl.__name__.replace('_', '-')}"
        (folder / f"{stem}.txt").write_text("\n".join(t for t, _, _ in page.lines) + "\n", encoding="utf-8")
        (folder / f"{stem}.labels").write_text("".join(f"{lab}\t{fam}\n" for _, lab, fam in page.lines),
                                               encoding="utf-8")
        sources.append(f"| heldout/{stem} | {art['id']} | {art['title']} |")
    with (out / "SOURCES.md").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(sources) + "\n")


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/corpora")
    main(root, Path(__file__).resolve().parent)
    main_heldout(root, Path(__file__).resolve().parent)
