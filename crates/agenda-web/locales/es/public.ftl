# Páginas públicas: textos añadidos con la renovación de las páginas públicas.
roadmap-by-year = Hitos por año
