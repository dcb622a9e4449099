# Pages publiques : textes ajoutés avec la refonte des pages publiques.
roadmap-by-year = Jalons par année

# Les longues listes, une page à la fois.
pager-label = Pages de la liste
pager-previous = Page précédente
pager-next = Page suivante
pager-position = Page { $page } sur { $pages }
pager-none = Rien ne correspond à ces filtres.
pager-page = page
pager-services = Services { $first } à { $last } sur { $total }
services-in-catalogue = { $total } dans tout le catalogue
pager-organisations = Organisations { $first } à { $last } sur { $total }
pager-once-only = Lignes { $first } à { $last } sur { $total }
pager-rows = Lignes { $first } à { $last } sur { $total }
priorities-drawn = Le graphique montre les { $shown } premières priorités sur { $total }.
