# Páginas públicas: textos añadidos con la renovación de las páginas públicas.
roadmap-by-year = Hitos por año

# Las listas largas, una página a la vez.
pager-label = Páginas de la lista
pager-previous = Página anterior
pager-next = Página siguiente
pager-position = Página { $page } de { $pages }
pager-none = Nada corresponde a estos filtros.
pager-page = página
pager-services = Servicios { $first }–{ $last } de { $total }
services-in-catalogue = { $total } en todo el catálogo
pager-organisations = Organizaciones { $first }–{ $last } de { $total }
pager-once-only = Filas { $first }–{ $last } de { $total }
pager-rows = Filas { $first }–{ $last } de { $total }
priorities-drawn = El gráfico muestra las { $shown } prioridades más altas de { $total }.
