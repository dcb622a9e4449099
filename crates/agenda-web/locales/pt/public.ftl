# Public pages: strings added with the rebuild of the public pages.
roadmap-by-year = Marcos por ano

# Long lists a page at a time.
pager-label = Páginas da lista
pager-previous = Página anterior
pager-next = Página seguinte
pager-position = Página { $page } de { $pages }
pager-none = Nenhum resultado corresponde a estes filtros.
pager-page = página
pager-services = Serviços { $first }–{ $last } de { $total }
services-in-catalogue = { $total } em todo o catálogo
pager-organisations = Organizações { $first }–{ $last } de { $total }
pager-once-only = Linhas { $first }–{ $last } de { $total }
pager-rows = Linhas { $first }–{ $last } de { $total }
priorities-drawn = O gráfico mostra as { $shown } prioridades mais elevadas de um total de { $total }.
