# Pages publiques : textes ajoutés avec la refonte des pages publiques.
roadmap-by-year = Jalons par année
