# /reporting : qui a envoyé les valeurs de quels indicateurs pour cette période.
rep-title = État des remontées
rep-intro = Pour chaque organisation, la valeur que chacun de ses indicateurs doit pour sa dernière période terminée (un mois, un trimestre ou une année, selon l'indicateur) : envoyée, en retard ou pas encore due. Une valeur compte comme envoyée dès qu'elle est soumise, avant sa validation et sa publication.
rep-none = Aucun indicateur ne doit encore de valeur.
rep-summary-caption = Valeurs de cette période, par organisation
rep-figures-caption = La valeur de chaque indicateur pour sa dernière période
rep-sent = Envoyée
rep-share = Part envoyée
rep-organisation = Organisation
